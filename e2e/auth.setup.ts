import { expect, test as setup } from "@playwright/test";
import { E2E_ADMIN } from "./credentials";

// Logs in once; the other specs reuse this session (storageState).
setup("sign in as the seeded admin", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.context().storageState({ path: `e2e/.auth/admin-${process.env.E2E_PORT ?? 3100}.json` });
});
