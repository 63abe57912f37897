import { expect, test } from "@playwright/test";
import { accessible } from "./support";

test.describe("a browser that asks for Korean", () => {
  test.use({ locale: "ko-KR" });
  test("gets the console in Korean, and may switch to English", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "데이터베이스" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "ko");
    await accessible(page);
    await page.getByLabel("언어").selectOption("en");
    await expect(page.getByRole("heading", { name: "Databases" })).toBeVisible();
    await page.reload(); // the choice is kept
    await expect(page.getByRole("heading", { name: "Databases" })).toBeVisible();
  });
});

test.describe("a browser that asks for English", () => {
  test.use({ locale: "en-GB" });
  test("gets the console in English", async ({ page }) => {
    await page.goto("/ui/databases");
    await expect(page.getByRole("heading", { name: "Databases" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  });
});
