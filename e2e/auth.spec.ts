import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./credentials";

test.describe("signed in", () => {
  test("shows the shell with navigation, the user and the sandbox banner", async ({ page }, testInfo) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ["Dashboard", "New batch", "Orders", "Statistics", "Admin"]) {
      await expect(nav.getByRole("link", { name: label })).toBeVisible();
    }
    await expect(page.getByTestId("signed-in-user")).toContainText(E2E_ADMIN.email);
    await expect(page.getByRole("status")).toContainText("SANDBOX");
    await page.screenshot({ path: testInfo.outputPath("shell.png"), fullPage: true });
    await testInfo.attach("logged-in shell", {
      path: testInfo.outputPath("shell.png"),
      contentType: "image/png",
    });
  });

  test("each page has an empty state that says what to do", async ({ page }) => {
    await page.goto("/orders");
    await expect(page.getByRole("heading", { name: "Orders", exact: true })).toBeVisible();
    await page.getByRole("link", { name: "Admin" }).click();
    await expect(page.getByRole("heading", { name: "Recent audit events" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "login.succeeded" }).first()).toBeVisible();
  });

  test("the session works for the API", async ({ page }) => {
    const me = await page.request.get("/api/v1/me");
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ email: E2E_ADMIN.email, role: "admin" });
  });
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a page redirects to login, and the user comes back after signing in", async ({ page }) => {
    await page.goto("/orders");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Forders/);
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByLabel("Password").press("Enter");
    await expect(page.getByRole("heading", { name: "Orders", exact: true })).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a wrong password shows an error and stays on the login page", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    // (Next.js keeps an empty route announcer with role="alert" on every page.)
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("the API answers 401 JSON without credentials, and health needs none", async ({ request }) => {
    const me = await request.get("/api/v1/me");
    expect(me.status()).toBe(401);
    expect(await me.json()).toMatchObject({ error: { code: "unauthorized" } });
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    expect(await health.json()).toMatchObject({ status: expect.any(String), db: "ok" });
  });
});
