import AxeBuilder from "@axe-core/playwright";
import { expect } from "@playwright/test";
import type { Locator, Page } from "@playwright/test";

/** Where the tests keep a screenshot of every page they visit (a CI artifact). */
export const SCREENS = "../build/screenshots";

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

/** No serious or critical accessibility violation on the page as it is now (a toast in
 * the middle of fading out is left out: its contrast is that of the animation). */
export async function accessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude(".bp6-toast-exit").analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** A database name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Tick a Blueprint checkbox as a person does, by its label (the styled box covers the input). */
export async function tick(checkbox: Locator): Promise<void> {
  await checkbox.locator("xpath=ancestor::label[1]").click();
  await expect(checkbox).toBeChecked();
}
