// A server that signs people in: the console asks who you are, acts as that user, and its
// administration page makes users, grants roles and shows the audit trail.
import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, SECURED_PORT } from "../playwright.config";
import { accessible, shoot, uniqueName } from "./support";

test.use({ locale: "en-US", baseURL: `http://127.0.0.1:${SECURED_PORT}` });

test("signing in, administering, and acting as another user", async ({ page }) => {
  const db = uniqueName("secured_db");
  await page.goto("/ui/databases");
  const signIn = page.getByRole("dialog", { name: "Sign in" });
  await expect(signIn).toBeVisible();
  await signIn.getByLabel("User name").fill("admin");
  await signIn.getByLabel("Password").fill("not the password");
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn.getByRole("alert").or(signIn.locator(".bp6-callout"))).toBeVisible();
  await signIn.getByLabel("Password").fill(ADMIN_PASSWORD);
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn).toBeHidden();
  await expect(page.getByText("Signed in as admin")).toBeVisible();

  await page.getByRole("button", { name: "New database" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill(db);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("link", { name: db })).toBeVisible();

  // Administration: a user, a role on the database, the health and the audit trail.
  await page.getByRole("link", { name: "Admin" }).click();
  const users = page.getByLabel("Users", { exact: true });
  await users.getByLabel("User name").fill("kim");
  await users.getByLabel("Password").fill("kim-password-2026");
  await users.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("User kim created")).toBeVisible();
  const databases = page.getByLabel("Databases", { exact: true });
  await databases.getByLabel("Databases").selectOption(db);
  await databases.getByLabel("User name").fill("kim");
  await databases.getByLabel("Role", { exact: true }).selectOption("viewer");
  await databases.getByRole("button", { name: "Grant" }).click();
  await expect(databases.getByRole("table", { name: "Roles" })).toContainText("kim");
  // An API key, shown once with its id.
  const keys = page.getByLabel("API keys", { exact: true });
  await keys.getByLabel("key name").fill("ci");
  await keys.getByRole("button", { name: "Issue key" }).click();
  await expect(keys.locator("code.secret")).toHaveText(/^spk_[0-9a-f]{16}_\S+$/);
  await expect(keys.getByText(/^id [0-9a-f]{16}$/)).toBeVisible();
  await expect(page.getByLabel("Health").getByText("healthy")).toBeVisible();
  await expect(page.getByRole("table", { name: "Audit" })).toContainText("CREATE_DATABASE");
  await accessible(page);
  await shoot(page, "admin");

  // Signed out, then in as kim: a viewer of the database, who may read it but not write.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/ui/databases");
  await signIn.getByLabel("User name").fill("kim");
  await signIn.getByLabel("Password").fill("kim-password-2026");
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as kim")).toBeVisible();
  await page.getByRole("link", { name: db }).click();
  await page.getByRole("button", { name: "New class" }).click();
  await page.getByLabel("Class id").fill("Thing");
  await page.getByLabel("Property 1", { exact: true }).fill("thing_id");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("dialog")).toContainText(/editor|role|not allowed|forbidden/i);
});
