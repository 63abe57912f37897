// The synthetic 3PL dataset (15 related CSVs, 35,296 rows) onboarded through the wizard:
// upload, inferred types with confidence and risks, the suggested classes, keys and links
// edited, a dry run, the import with its progress, then the imported data.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { accessible, openNewDatabase, shoot, tick } from "./support";

// Playwright runs from console/.
const DATASET = resolve("../tests/data/datasets/synthetic_3pl");

test.use({ locale: "en-US" });
test.setTimeout(240_000);

test("the 3PL dataset imported through the onboarding wizard", async ({ page }) => {
  const files = readdirSync(DATASET)
    .filter((f) => f.endsWith(".csv"))
    .map((f) => join(DATASET, f));
  expect(files).toHaveLength(15);
  await openNewDatabase(page, "logi");
  await page.getByRole("link", { name: "Onboarding" }).click();

  // 1) files
  await page.getByLabel("Spreadsheets").setInputFiles(files);
  await page.getByRole("button", { name: "Upload 15 files" }).click();
  const datasets = page.getByRole("table", { name: "Datasets" });
  await expect(datasets.getByRole("row")).toHaveCount(16, { timeout: 60_000 });
  await expect(datasets.getByRole("row", { name: /^orders \d+ \d+$/ })).toBeVisible();
  await accessible(page);
  await shoot(page, "onboarding-files");
  await page.getByRole("button", { name: "Next" }).click();

  // 2) types, with confidence and reasons
  await page.getByLabel("Dataset", { exact: true }).selectOption("orders");
  const inferred = page.getByRole("table", { name: "Inferred types" });
  await expect(inferred.getByRole("row", { name: /order_datetime datetime 100%/ })).toBeVisible();
  await expect(page.getByText("Key: order_id")).toBeVisible();
  await accessible(page);
  await shoot(page, "onboarding-types");
  await page.getByRole("button", { name: "Next" }).click();

  // 3) the suggested classes: links found between the files; one edited
  const orders = page
    .getByRole("region", { name: "Class Order", exact: true })
    .or(page.getByLabel("Class Order", { exact: true }));
  await expect(orders.getByRole("list", { name: "Order Relationships" })).toContainText("client_id → Client");
  await expect(orders.getByRole("list", { name: "Order Relationships" })).toContainText(
    "ship_from_warehouse → Warehouse",
  );
  await orders.getByLabel("Order.service_level Type").selectOption("string");
  // A suggested class renamed: the links to it follow.
  const warehouses = page.getByLabel("Class id Warehouse", { exact: true });
  await warehouses.fill("Depot");
  await warehouses.blur();
  await expect(orders.getByRole("list", { name: "Order Relationships" })).toContainText("ship_from_warehouse → Depot");
  await expect(page.getByLabel("Class id Depot", { exact: true })).toHaveValue("Depot");
  await accessible(page);
  await shoot(page, "onboarding-classes");
  await page.getByRole("button", { name: "Next" }).click();

  // 4) the dry run: what the import would do, nothing written
  await expect(page.getByText(/Would create 15 classes and \d+ instances/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("table", { name: "Report" }).getByRole("row")).toHaveCount(16);
  await page.getByRole("link", { name: "Instances" }).isVisible();
  await page.getByRole("button", { name: "Continue to import" }).click();

  // 5) the import, with its progress, then the data
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toBeVisible();
  await expect(page.getByText(/Imported: \d+ created, 0 skipped, 0 refused/)).toBeVisible({ timeout: 180_000 });
  const report = page.getByRole("table", { name: "Report" });
  await expect(report.getByRole("row")).toHaveCount(16);
  await expect(report.getByRole("row", { name: /^Depot 3 3 0 0$/ })).toBeVisible();
  await accessible(page);
  await shoot(page, "onboarding-import");
  const ordersRow = report.getByRole("row", { name: /^Order / });
  const created = Number((await ordersRow.getByRole("cell").nth(2).innerText()).trim());
  expect(created).toBeGreaterThan(0);
  await ordersRow.getByRole("link", { name: "Order", exact: true }).click();
  await expect(page.getByText(`${created} instances`)).toBeVisible();
  const table = page.getByRole("table", { name: "Instances Order", exact: true });
  await expect(table.getByRole("link", { name: /^Client\// }).first()).toBeVisible();
  // Facets narrow the table, and the sort holds across its pages.
  const paid = page.getByRole("group", { name: "payment_status" }).getByRole("checkbox").first();
  const bucket = await paid.locator("xpath=ancestor::label[1]").innerText();
  const count = Number(/\((\d+)\)/.exec(bucket)?.[1]);
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(created);
  await tick(paid);
  await expect(page.getByText(`${count} instances`)).toBeVisible();
  await expect(page).toHaveURL(/f=payment_status/);
  await page.getByLabel("Sort by").selectOption("order_datetime");
  await page.getByLabel("Order", { exact: true }).selectOption("desc");
  const firstTwo = table.getByRole("row").filter({ hasNot: page.getByRole("columnheader") });
  await expect(firstTwo.nth(1)).toContainText("Client/");
  const when = async (i: number) => (await firstTwo.nth(i).getByRole("cell").nth(2).innerText()).trim();
  expect((await when(0)) >= (await when(1))).toBe(true);
  await accessible(page);
  await shoot(page, "instances-facets");
  // Each imported value knows the cell it came from.
  await table.getByRole("row").nth(1).getByRole("cell").first().getByRole("link").click();
  const card = page.locator(".instance-card");
  await card.getByRole("tab", { name: "Blame" }).click();
  await expect(card.getByRole("table", { name: "Blame" }).getByRole("row", { name: /^order_id / })).toContainText(
    /orders v1 · orders · row \d+ · order_id/,
  );
  // The edited type holds: service_level was imported as text, not as an enum.
  await page.getByRole("link", { name: "Ontology" }).click();
  await page.getByRole("menuitem", { name: /\bOrder\b/ }).click();
  await expect(
    page.getByRole("table", { name: "Properties" }).getByRole("row", { name: /service_level string/ }),
  ).toBeVisible();
});
