// Seed 004 section 7 (a database, the Customer and Product classes, two instances, the
// command statuses, the multi-hop query) and section 7.1 (a what-if on a branch), done
// through the console alone.
import { expect, test } from "@playwright/test";
import { accessible, openNewDatabase, shoot, tick, uniqueName } from "./support";

test.use({ locale: "en-US" });

test("the seed demo, sections 7 and 7.1, through the console", async ({ page }) => {
  const db = uniqueName("demo_db");
  await page.goto("/");
  await expect(page).toHaveURL(/\/ui\/databases$/);

  // 1) the database
  await page.getByRole("button", { name: "New database" }).click();
  await page.getByLabel("Name").fill(db);
  await page.getByLabel("Description").fill("demo");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("link", { name: db })).toBeVisible();
  await accessible(page);
  await shoot(page, "databases");
  await page.getByRole("link", { name: db }).click();
  await expect(page).toHaveURL(new RegExp(`/ui/db/${db}/ontology$`));

  // 2) the ontology: Customer, then Product owned by a Customer
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Customer");
  await page.getByLabel("Label", { exact: true }).fill("Customer");
  await page.getByLabel("Label (Korean)").fill("고객");
  await page.getByLabel("Property 1", { exact: true }).fill("customer_id");
  await page.getByRole("button", { name: "Add property" }).click();
  await page.getByLabel("Property 2", { exact: true }).fill("name");
  await tick(page.getByRole("checkbox", { name: "Required" }).nth(1));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("menuitem", { name: /Customer/ })).toBeVisible();

  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Product");
  await page.getByLabel("Property 1", { exact: true }).fill("product_id");
  await page.getByRole("button", { name: "Add property" }).click();
  await page.getByLabel("Property 2", { exact: true }).fill("name");
  await tick(page.getByRole("checkbox", { name: "Required" }).nth(1));
  await page.getByRole("button", { name: "Add relationship" }).click();
  await page.getByLabel("Predicate 1", { exact: true }).fill("owned_by");
  await page.getByLabel("Target class 1").selectOption("Customer");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("menuitem", { name: /Product/ })).toBeVisible();
  await expect(page.getByRole("img", { name: "Class graph" })).toHaveAttribute("data-nodes", "2");
  await page.getByRole("menuitem", { name: /Product/ }).click();
  await expect(page.getByRole("table", { name: "Properties" })).toContainText("owned_by");
  await accessible(page);
  await shoot(page, "ontology");

  // 3) the instances
  await page.getByRole("link", { name: "Instances" }).click();
  await page.getByLabel("Class", { exact: true }).selectOption("Customer");
  await page.getByRole("button", { name: "New instance" }).click();
  await page.getByRole("dialog").getByLabel("customer_id").fill("cust_001");
  await page.getByRole("dialog").getByLabel("name").fill("Alice");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("table", { name: "Instances Customer" })).toContainText("Alice");

  await page.getByLabel("Class", { exact: true }).selectOption("Product");
  await page.getByRole("button", { name: "New instance" }).click();
  await page.getByRole("dialog").getByLabel("product_id").fill("prod_001");
  await page.getByRole("dialog").getByLabel("name").fill("Shirt");
  await page.getByRole("dialog").getByLabel("owned_by").fill("Customer/cust_001");
  await page.getByRole("button", { name: "Save" }).click();
  const products = page.getByRole("table", { name: "Instances Product" });
  await expect(products).toContainText("Shirt");
  await accessible(page);
  await shoot(page, "instances");

  // A link is a reference to click: it opens the customer.
  await products.getByRole("link", { name: "Customer/cust_001" }).click();
  await expect(page.getByLabel("Customer/cust_001")).toContainText("Alice");
  // From the customer into the graph, then out along its links.
  await page.getByLabel("Customer/cust_001").getByRole("button", { name: "Explore in graph" }).click();
  const explored = page.getByRole("img", { name: "Graph explorer" });
  await expect(explored).toHaveAttribute("data-nodes", "1");
  await expect(page.getByText("1 nodes")).toBeVisible();
  await explored.click(); // the only node sits in the middle of the view
  const node = page.getByLabel("Customer/cust_001", { exact: true });
  await expect(node.getByLabel("Provenance")).toContainText("#1");
  await node.getByRole("button", { name: "Expand links" }).click();
  await expect(explored).toHaveAttribute("data-nodes", "2");
  await expect(page.getByText("2 nodes")).toBeVisible();

  // 4) the statuses, as the command tracker shows them
  await page.getByRole("button", { name: "Commands" }).click();
  const tracker = page.getByRole("list", { name: "Commands" });
  await expect(tracker.locator('[data-status="COMPLETED"]')).toHaveCount(5);
  await expect(tracker).toContainText("create Product");
  await accessible(page);
  await shoot(page, "commands");
  await page.keyboard.press("Escape");

  // 5) the multi-hop query: Product -owned_by-> Customer for prod_001
  await page.getByRole("link", { name: "Graph" }).click();
  await page.getByLabel("Start class").selectOption("Product");
  await page.getByRole("button", { name: "Add hop" }).click();
  await page.getByLabel("filter 1 property").fill("product_id");
  await page.getByLabel("filter 1 value").fill("prod_001");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText("2 nodes")).toBeVisible();
  await expect(page.getByText("1 edges")).toBeVisible();
  await expect(page.getByRole("img", { name: "Graph explorer" })).toHaveAttribute("data-nodes", "2");
  await accessible(page);
  await shoot(page, "graph");

  // 7.1) a what-if on a branch: no data copied, main unchanged
  await page.getByRole("button", { name: "New branch" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("feature/whatif");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/branch=feature%2Fwhatif/);
  await page.getByRole("link", { name: "Instances" }).click();
  await page.getByLabel("Class", { exact: true }).selectOption("Product");
  await page.getByRole("table", { name: "Instances Product" }).getByRole("link", { name: "prod_001" }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog").getByLabel("name").fill("Shirt (WhatIf)");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Product/prod_001")).toContainText("Shirt (WhatIf)");
  await shoot(page, "branch");

  await page.getByLabel("Branch", { exact: true }).selectOption("main");
  await page.getByLabel("Class", { exact: true }).selectOption("Product");
  await page.getByRole("table", { name: "Instances Product" }).getByRole("link", { name: "prod_001" }).click();
  const onMain = page.getByLabel("Product/prod_001");
  await expect(onMain).toContainText("Shirt");
  await expect(onMain).not.toContainText("WhatIf");
});

test("a refused value is shown beside its field, and nothing is written", async ({ page }) => {
  await openNewDatabase(page, "form_db");
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Person");
  await page.getByLabel("Property 1", { exact: true }).fill("person_id");
  await page.getByRole("button", { name: "Add property" }).click();
  await page.getByLabel("Property 2", { exact: true }).fill("age");
  await page.getByLabel("Type 2").selectOption("integer");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("menuitem", { name: /Person/ })).toBeVisible();

  await page.getByRole("link", { name: "Instances" }).click();
  await page.getByRole("button", { name: "New instance" }).click();
  await page.getByRole("dialog").getByLabel("person_id").fill("p1");
  await page.getByRole("dialog").getByLabel("age").fill("many");
  await page.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog");
  // The server's reason, beside the field and tied to it for screen readers; the other
  // field stays as it was.
  const age = dialog.getByLabel("age");
  await expect(age).toHaveAttribute("aria-invalid", "true");
  await expect(age).toHaveAccessibleDescription("expected an integer");
  await expect(dialog.getByRole("alert")).toHaveText(["expected an integer"]);
  await expect(dialog.getByLabel("person_id")).not.toHaveAttribute("aria-invalid", "true");
  await accessible(page);
  await shoot(page, "field-error");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText("0 instances")).toBeVisible();
});

test("a class editor's refused property is shown on its row", async ({ page }) => {
  await openNewDatabase(page, "class_db");
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Thing");
  await page.getByLabel("Property 1", { exact: true }).fill("bad name");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("invalid");
});
