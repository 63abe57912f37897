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

/** A new database made through the console, opened on its ontology page. */
export async function openNewDatabase(page: Page, prefix: string): Promise<string> {
  const db = uniqueName(prefix);
  await page.goto("/ui/databases");
  await page.getByRole("button", { name: "New database" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill(db);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: db }).click();
  await expect(page).toHaveURL(new RegExp(`/ui/db/${db}/ontology$`));
  return db;
}

/** The class `Item`, keyed by `sku`, with an integer `price`, made in the class editor. */
export async function makeItemClass(page: Page): Promise<void> {
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Item");
  await page.getByLabel("Property 1", { exact: true }).fill("sku");
  await tick(page.getByRole("checkbox", { name: "Key" }).first());
  await page.getByRole("button", { name: "Add property" }).click();
  await page.getByLabel("Property 2", { exact: true }).fill("price");
  await page.getByLabel("Type 2").selectOption("integer");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("menuitem", { name: /Item/ })).toBeVisible();
}

/** A new Item on the instances page (which the console must show). */
export async function addItem(page: Page, sku: string, price: string): Promise<void> {
  const form = page.getByRole("dialog");
  await page.getByRole("button", { name: "New instance" }).click();
  await form.getByLabel("sku").fill(sku);
  await form.getByLabel("price").fill(price);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("table", { name: "Instances Item" })).toContainText(sku);
}

/** Change an Item's price from the instances page, and see it changed. */
export async function repriceItem(page: Page, sku: string, price: string): Promise<void> {
  await page.getByRole("table", { name: "Instances Item" }).getByRole("link", { name: sku }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog").getByLabel("price").fill(price);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel(`Item/${sku}`)).toContainText(price);
}
