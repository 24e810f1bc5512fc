import { expect, test, type Browser, type Page } from "@playwright/test";

/**
 * Headers for a state change sent with the session cookie: it must say it comes from the app's own
 * origin, as the pages' requests do (the API refuses cookie writes from elsewhere).
 */
export function sameOrigin(): { origin: string } {
  return { origin: new URL(test.info().project.use.baseURL!).origin };
}

export async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

/** A page in a browser context of its own, signed in as the user (beside the admin's default one). */
export async function signedInPage(browser: Browser, user: { email: string; password: string }) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, user);
  return page;
}
