import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { E2E_OPERATOR } from "./credentials";
import { signIn } from "./sign-in";

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

test.describe("as the admin", () => {
  test("the admin page answers 200", async ({ page }) => {
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
  });

  test("an unknown address answers 404 with a way back", async ({ page }, testInfo) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await attachScreenshot(page, testInfo, "page-not-found");
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  });

  test("an unknown order answers 404 inside the app shell", async ({ page }, testInfo) => {
    const response = await page.goto("/orders/no-such-order");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await attachScreenshot(page, testInfo, "order-not-found");
    await page.getByRole("link", { name: "Search orders" }).click();
    await expect(page.getByRole("heading", { name: "Orders", exact: true })).toBeVisible();
  });
});

test.describe("as an operator", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the admin page answers 403 with a helpful page inside the shell", async ({ page }, testInfo) => {
    await signIn(page, E2E_OPERATOR);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Orders" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);

    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not available to your role" })).toBeVisible();
    await expect(page.getByText("Recent audit events")).toHaveCount(0);
    await expect(nav).toBeVisible();
    await attachScreenshot(page, testInfo, "admin-forbidden");
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

    const metrics = await page.request.get("/api/metrics");
    expect(metrics.status()).toBe(403);
    expect(await metrics.json()).toMatchObject({ error: { code: "forbidden" } });
  });
});
