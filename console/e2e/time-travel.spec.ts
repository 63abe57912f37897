// An instance's timeline and blame, and every page read as of an earlier commit.
import { expect, test } from "@playwright/test";
import { accessible, addItem, makeItemClass, openNewDatabase, repriceItem, shoot } from "./support";

test.use({ locale: "en-US" });

test("the timeline leads back in time, read-only, and blame says who set each value", async ({ page }) => {
  await openNewDatabase(page, "travel_db");
  await makeItemClass(page);
  await page.getByRole("link", { name: "Instances" }).click();
  await addItem(page, "A-1", "100");
  await repriceItem(page, "A-1", "150");
  const card = page.getByLabel("Item/A-1");
  await expect(card).toContainText("150");

  // Blame: the price as it is, set by whom and when.
  await card.getByRole("tab", { name: "Blame" }).click();
  await expect(
    card.getByRole("table", { name: "Blame" }).getByRole("row", { name: /price 150 anonymous/ }),
  ).toBeVisible();

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
  await page
    .getByText(/^as of /)
    .locator("..")
    .getByRole("button")
    .click();
  await expect(page).not.toHaveURL(/as_of=/);
  await expect(page.getByRole("button", { name: "New class" })).toBeVisible();
});
