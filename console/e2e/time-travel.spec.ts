// An instance's timeline and blame, and every page read as of an earlier commit.
import { expect, test } from "@playwright/test";
import { accessible, shoot, tick, uniqueName } from "./support";

test.use({ locale: "en-US" });

test("the timeline leads back in time, read-only, and blame says who set each value", async ({ page }) => {
  const db = uniqueName("travel_db");
  await page.goto("/ui/databases");
  await page.getByRole("button", { name: "New database" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill(db);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: db }).click();
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Item");
  await page.getByLabel("Property 1", { exact: true }).fill("sku");
  await tick(page.getByRole("checkbox", { name: "Key" }).first());
  await page.getByRole("button", { name: "Add property" }).click();
  await page.getByLabel("Property 2", { exact: true }).fill("price");
  await page.getByLabel("Type 2").selectOption("integer");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("menuitem", { name: /Item/ })).toBeVisible();

  const form = page.getByRole("dialog");
  await page.getByRole("link", { name: "Instances" }).click();
  await page.getByRole("button", { name: "New instance" }).click();
  await form.getByLabel("sku").fill("A-1");
  await form.getByLabel("price").fill("100");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("table", { name: "Instances Item" }).getByRole("link", { name: "A-1" }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  await form.getByLabel("price").fill("150");
  await page.getByRole("button", { name: "Save" }).click();
  const card = page.getByLabel("Item/A-1");
  await expect(card).toContainText("150");

  // Blame: the price as it is, set by whom and when.
  await card.getByRole("tab", { name: "Blame" }).click();
  await expect(card.getByRole("table", { name: "Blame" }).getByRole("row", { name: /price 150 anonymous/ })).toBeVisible();

  // The timeline, newest first; back to the creation.
  await card.getByRole("tab", { name: "Timeline" }).click();
  const timeline = card.getByRole("list", { name: "Timeline" });
  await expect(timeline.getByRole("listitem")).toHaveCount(2);
  await expect(timeline.getByRole("listitem").first()).toContainText("InstanceUpdated");
  await accessible(page);
  await shoot(page, "timeline");
  await timeline.getByRole("listitem").last().getByRole("button", { name: "View as of this" }).click();

  await expect(page).toHaveURL(/as_of=/);
  await expect(page.getByText(/Read-only: every page shows the data as of/)).toBeVisible();
  const then = page.getByLabel("Item/A-1");
  await expect(then.getByRole("tabpanel")).toContainText("100");
  await expect(then.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New instance" })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Instances Item" })).toContainText("100");
  // Other pages keep the point in time.
  await page.getByRole("link", { name: "Ontology" }).click();
  await expect(page).toHaveURL(/ontology\?as_of=/);
  await expect(page.getByRole("button", { name: "New class" })).toHaveCount(0);
  await accessible(page);
  await shoot(page, "as-of");

  // Back to now.
  await page.getByText(/^as of /).locator("..").getByRole("button").click();
  await expect(page).not.toHaveURL(/as_of=/);
  await expect(page.getByRole("button", { name: "New class" })).toBeVisible();
});
