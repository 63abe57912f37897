// A change proposed from a branch: reviewed with its diff, commented, approved by a reviewer
// (its author's own approval is refused) and merged.
import { expect, test } from "@playwright/test";
import { accessible, addItem, makeItemClass, openNewDatabase, repriceItem, shoot } from "./support";

test.use({ locale: "en-US" });

test("a proposal is reviewed, approved and merged", async ({ page }) => {
  const db = await openNewDatabase(page, "proposal_db");
  await makeItemClass(page);
  const form = page.getByRole("dialog");
  await page.getByRole("link", { name: "Instances" }).click();
  await addItem(page, "A-1", "100");
  await page.getByRole("button", { name: "New branch" }).click();
  await form.getByLabel("Name").fill("reprice");
  await page.getByRole("button", { name: "Create" }).click();
  await repriceItem(page, "A-1", "90");

  await page.getByRole("link", { name: "Proposals" }).click();
  await page.getByRole("button", { name: "New proposal" }).click();
  await expect(form.getByLabel("From")).toHaveValue("reprice");
  await form.getByLabel("Title").fill("Autumn prices");
  await form.getByLabel("Description").fill("10% off A-1");
  await page.getByRole("button", { name: "Create" }).click();
  const proposal = page.getByLabel("Proposal #1");
  await expect(proposal).toContainText("Autumn prices");
  await expect(
    proposal.getByRole("table", { name: "Differences" }).getByRole("row", { name: /Item\/A-1 price 100 90/ }),
  ).toBeVisible();

  await proposal.getByRole("textbox", { name: "Comment" }).fill("Checked against the price list.");
  await proposal.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(proposal.getByRole("list", { name: "Comments" })).toContainText("Checked against the price list.");
  await proposal.getByRole("button", { name: "Approve" }).click();
  await expect(proposal).toContainText("the author of a proposal cannot approve it");
  const approved = await page.request.post(`/api/v1/databases/${db}/proposals/1/approve?wait=true`, {
    headers: { "X-User-Id": "reviewer" },
    data: {},
  });
  expect(approved.status()).toBe(200);
  await page.reload();
  await expect(proposal).toContainText("1 approvals");
  await accessible(page);
  await shoot(page, "proposal");

  await proposal.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(page.getByText("Merged reprice into main")).toBeVisible();
  await page.getByLabel("Status").selectOption("merged");
  await expect(page.getByLabel("Proposal #1").getByText("Merged", { exact: true })).toBeVisible();

  await page.getByLabel("Branch", { exact: true }).selectOption("main");
  await page.getByRole("link", { name: "Instances" }).click();
  await expect(
    page.getByRole("table", { name: "Instances Item" }).getByRole("row", { name: /A-1 A-1 90/ }),
  ).toBeVisible();
});
