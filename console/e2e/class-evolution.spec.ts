// A class changed under its instances: constraints set per type, the change checked against
// the instances before saving, and a migration (a renamed property) applied with it.
import { expect, test } from "@playwright/test";
import { accessible, addItem, makeItemClass, openNewDatabase, shoot } from "./support";

test.use({ locale: "en-US" });

test("a class change is checked against its instances and migrates them", async ({ page }) => {
  await openNewDatabase(page, "evolve_db");
  await makeItemClass(page);
  await page.getByRole("link", { name: "Instances" }).click();
  await addItem(page, "A-1", "100");
  await addItem(page, "B-2", "-5");

  await page.getByRole("link", { name: "Ontology" }).click();
  await page.getByRole("button", { name: "Edit class" }).click();
  const editor = page.getByRole("dialog", { name: "Edit class Item" });
  await expect(editor.getByLabel("Class id")).toBeDisabled();
  // A constraint the second item breaks, and a renamed property.
  await editor.getByRole("button", { name: "Constraints 2" }).click();
  await editor.getByLabel("price min", { exact: true }).fill("0");
  await editor.getByLabel("Property 2", { exact: true }).fill("amount");
  await editor.getByLabel("Rename price").selectOption("amount");
  await editor.getByRole("button", { name: "Check against instances" }).click();
  const impact = editor.getByLabel("Impact");
  await expect(impact).toContainText("1 of 2 instances would not fit");
  await expect(impact.getByRole("list", { name: "Instances that would not fit" })).toContainText(
    "Item/B-2: amount must be at least 0",
  );
  await accessible(page);
  await shoot(page, "class-check");
  // Saving anyway is refused with the same reasons, and nothing changes.
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(editor.getByText(/instances would not fit/).first()).toBeVisible();

  // Without the constraint every instance fits and is migrated.
  await editor
    .getByLabel("price min", { exact: true })
    .or(editor.getByLabel("amount min", { exact: true }))
    .fill("");
  await editor.getByRole("button", { name: "Check against instances" }).click();
  await expect(impact).toContainText("All 2 instances fit (2 migrated)");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(editor).toBeHidden();
  await expect(page.getByRole("table", { name: "Properties" })).toContainText("amount");
  await page.getByRole("link", { name: "Instances" }).click();
  const table = page.getByRole("table", { name: "Instances Item" });
  await expect(table.getByRole("columnheader", { name: "amount" })).toBeVisible();
  await expect(table.getByRole("row", { name: /B-2 B-2 -5/ })).toBeVisible();
});
