// A what-if on a branch, then its merge with a conflict resolved property by property in
// the diff view.
import { expect, test } from "@playwright/test";
import { accessible, addItem, makeItemClass, openNewDatabase, repriceItem, shoot } from "./support";

test.use({ locale: "en-US" });

test("a merge with a conflict resolved in the diff view", async ({ page }) => {
  await openNewDatabase(page, "merge_db");
  await makeItemClass(page);
  await page.getByRole("link", { name: "Instances" }).click();
  await addItem(page, "A-1", "100");
  await addItem(page, "B-2", "200");

  // The what-if: a branch where A-1 costs 150; meanwhile main sets it to 120.
  await page.getByRole("button", { name: "New branch" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("whatif");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/branch=whatif/);
  await repriceItem(page, "A-1", "150");
  await repriceItem(page, "B-2", "250");
  await page.getByLabel("Branch", { exact: true }).selectOption("main");
  await repriceItem(page, "A-1", "120");

  // The history page, on the branch: its diff against main, side by side.
  await page.getByLabel("Branch", { exact: true }).selectOption("whatif");
  await page.getByRole("link", { name: "History" }).click();
  const diff = page.getByRole("table", { name: "Differences" });
  await expect(diff.getByRole("row", { name: /Item\/A-1 price 120 150/ })).toBeVisible();
  await expect(diff.getByRole("row", { name: /Item\/B-2 price 200 250/ })).toBeVisible();
  await expect(page.getByRole("list", { name: "Commits" })).toContainText("UPDATE_INSTANCE");

  // Merging refuses with the conflict; keep the branch's price, then merge.
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  const conflicts = page.getByRole("table", { name: "Conflicts" });
  await expect(conflicts.getByRole("row", { name: /Item\/A-1\.price 100 120 150/ })).toBeVisible();
  await accessible(page);
  await shoot(page, "history-conflict");
  const merge = page.getByRole("button", { name: "Merge with these choices" });
  await expect(merge).toBeDisabled();
  await conflicts.getByRole("radiogroup", { name: "Keep Item/A-1.price" }).getByText("Theirs (whatif)").click();
  await merge.click();
  await expect(page.getByText("Merged whatif into main")).toBeVisible();
  await expect(page.getByText("No difference.").first()).toBeVisible();

  // main now has the branch's prices, the conflicting one as chosen.
  await page.getByLabel("Branch", { exact: true }).selectOption("main");
  await page.getByRole("link", { name: "Instances" }).click();
  const table = page.getByRole("table", { name: "Instances Item" });
  await expect(table.getByRole("row", { name: /A-1 A-1 150/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /B-2 B-2 250/ })).toBeVisible();
  await page.getByRole("link", { name: "History" }).click();
  await expect(page.getByRole("list", { name: "Commits" })).toContainText("MERGE_BRANCH");
  await accessible(page);
  await shoot(page, "history");
});
