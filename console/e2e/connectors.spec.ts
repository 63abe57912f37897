// Connectors: a file by URL (served by the test on loopback) made into a connector, synced
// now with the sync's result shown, then synced again after the file changed, its history
// and its last error in words; and the onboarding wizard ending with a connector instead of
// a one-time import, whose syncs import what changed in the file.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { accessible, openNewDatabase, shoot, tick } from "./support";

const V1 = "item_id,name,qty\nI1,Apple,3\nI2,Pear,5\nI3,Fig,7\n";
const V2 = "item_id,name,qty\nI1,Apple,4\nI3,Fig,7\nI4,Plum,1\n"; // I1 changed, I2 gone, I4 new

/** What the test's HTTP server serves, by path (anything else: 404). */
const files: Record<string, string> = {};
let server: Server;
let base = "";

test.use({ locale: "en-US" });
test.setTimeout(120_000);

test.beforeAll(async () => {
  server = createServer((request, response) => {
    const body = files[(request.url ?? "").split("?")[0] ?? ""];
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "text/csv" }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((done) => server.close(done));
});

async function openConnectors(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Connectors" }).click();
  await expect(page.getByRole("heading", { name: "Connectors" })).toBeVisible();
}

test("a file by URL as a connector: made, synced, synced again after a change, and failing in words", async ({
  page,
}) => {
  files["/stock.csv"] = V1;
  await openNewDatabase(page, "conn");
  await openConnectors(page);
  await page.getByRole("button", { name: "New connector" }).click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Kind").selectOption("http_file");
  await form.getByLabel("Name").fill("stock");
  await form.getByLabel("URL").fill(`${base}/stock.csv`);
  await form.getByLabel("Dataset").fill("stock");
  // A schedule every N seconds is due at once; a yearly cron leaves the syncs to the test.
  await form.getByLabel("Schedule").selectOption("cron");
  await form.getByLabel("Cron expression").fill("0 0 1 1 *");
  await accessible(page);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();

  const table = page.getByRole("table", { name: "Connectors" });
  const row = table.getByRole("row", { name: /stock/ });
  await expect(row).toContainText("File by URL");
  await expect(row).toContainText("Cron 0 0 1 1 * (UTC)");
  await expect(row).toContainText("Not synced yet");

  // Sync now: the dataset's first version, nothing imported (the connector names no import).
  await row.getByRole("button", { name: "Sync now stock" }).click();
  const result = page.getByRole("region", { name: "Sync of stock" });
  await expect(result).toContainText("Synced: version 1 of the dataset, nothing imported.");
  const detail = page.getByRole("table", { name: "Syncs" });
  await expect(detail.getByRole("row")).toHaveCount(2);
  await expect(row).toContainText("Syncing well");

  // The same file again: unchanged; then changed: version 2.
  await row.getByRole("button", { name: "Sync now stock" }).click();
  await expect(result).toContainText("Synced: the source is unchanged (version 1).");
  files["/stock.csv"] = V2;
  await row.getByRole("button", { name: "Sync now stock" }).click();
  await expect(result).toContainText("Synced: version 2 of the dataset, nothing imported.");
  await expect(detail.getByRole("row")).toHaveCount(4);
  await expect(detail.getByRole("row").nth(1)).toContainText(/request\s*OK\s*yes\s*2/);
  await accessible(page);
  await shoot(page, "connectors-synced");

  // Edited to a file that is gone: the sync fails, and the connector says why in words.
  await page.getByRole("button", { name: "Edit stock" }).first().click();
  await expect(form.getByLabel("Name")).toBeDisabled();
  await form.getByLabel("URL").fill(`${base}/gone.csv`);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();
  await row.getByRole("button", { name: "Sync now stock" }).click();
  await expect(result).toContainText(/The sync failed: .*answered 404/);
  const lastError = page.getByLabel("Last error");
  await expect(lastError).toContainText("answered 404");
  await expect(lastError).toContainText("Failures in a row: 1, since");
  await expect(row).toContainText("Failing");
  await expect(detail.getByRole("row").nth(1)).toContainText("Failed");
  await accessible(page);
  await shoot(page, "connectors-failing");

  // Deleted: gone from the list.
  await row.getByRole("button", { name: "Delete stock" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText(/No connector yet/)).toBeVisible();
});

test("the onboarding wizard ends with a connector that imports what changed", async ({ page }) => {
  files["/items.csv"] = V1;
  const db = await openNewDatabase(page, "conn_onb");
  await page.getByRole("link", { name: "Onboarding" }).click();
  await page.getByLabel("Or a link").fill(`${base}/items.csv`);
  await page.getByLabel("dataset name").fill("items");
  await page.getByRole("button", { name: "Fetch" }).click();
  await expect(page.getByRole("table", { name: "Datasets" }).getByRole("row", { name: /^items 3 3$/ })).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText(/Would create 1 classes and 3 instances/)).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Continue to import" }).click();

  await tick(page.getByRole("radio", { name: /Make a connector/ }));
  await expect(page.getByLabel("Connector name")).toHaveValue("items");
  await page.getByLabel("Mode").selectOption("snapshot");
  await accessible(page);
  await page.getByRole("button", { name: "Make the connector and sync it" }).click();
  const result = page.getByRole("region", { name: "Sync of items" });
  await expect(result).toContainText("Synced, version 1: 3 created, 0 updated, 0 deleted, 0 unchanged.", {
    timeout: 60_000,
  });
  await shoot(page, "onboarding-connector");

  // The file changes; synced from the connectors page, the snapshot follows it.
  files["/items.csv"] = V2;
  await page.getByRole("link", { name: "Open connector items" }).click();
  await expect(page).toHaveURL(new RegExp(`/ui/db/${db}/connectors/items$`));
  await expect(page.getByLabel("Definition")).toContainText(`onboarding_${db} (snapshot) on main`);
  await page.getByRole("button", { name: "Sync now items" }).first().click();
  await expect(page.getByRole("region", { name: "Sync of items" })).toContainText(
    "Synced, version 2: 1 created, 1 updated, 1 deleted, 1 unchanged.",
    { timeout: 60_000 },
  );
  await expect(page.getByRole("table", { name: "Syncs" }).getByRole("row")).toHaveCount(3);
});
