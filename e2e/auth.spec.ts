import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
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

/** CSP violations and console errors of a page, collected from before its first script runs. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on("console", (message) => {
    // A 404 page logs its own status as a failed load.
    if (message.type() === "error" && !/status of 404/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const seen = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return async () => {
    const violations = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return [...problems, ...violations.map((v) => `csp: ${v}`)];
  };
}

/** True once React has hydrated the element (it keeps its fiber on the DOM node). */
const isHydrated = (locator: Locator) =>
  locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactFiber")));

/** Signs in through next-auth's endpoints as a script would, with no cookies: the message or "ok". */
async function signInByHttp(
  request: APIRequestContext,
  credentials: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<string> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { ...credentials, csrfToken, json: "true" },
    headers,
  });
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get("error") ?? "ok";
}

test.describe("under the content security policy", () => {
  test("every page hydrates with no CSP violation or console error", async ({ page }) => {
    const problems = await watchCsp(page);
    for (const path of [
      "/",
      "/orders",
      "/services",
      "/statistics",
      "/admin",
      "/batches/new",
      "/no-such-page",
    ]) {
      await page.goto(path);
      const link = page.getByRole("link").first();
      await expect.poll(() => isHydrated(link), { message: path }).toBe(true);
    }
    // Client-side navigation (a hydrated next/link) and a client component's request work too.
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
    await expect(page.getByRole("heading", { name: "Orders", exact: true })).toBeVisible();
    expect(await problems()).toEqual([]);
  });

  test("pages and API answers carry the security headers; the page's scripts carry its nonce", async ({
    page,
    request,
  }) => {
    const response = (await page.goto("/"))!;
    const headers = response.headers();
    const csp = headers["content-security-policy"]!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
      "permissions-policy": expect.stringContaining("camera=()"),
    });
    // Every script the server wrote carries this answer's nonce (Next.js adds more at run time, which
    // 'strict-dynamic' allows).
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
    // A fresh nonce for every request.
    const again = (await request.get("/login")).headers()["content-security-policy"]!;
    expect(again).not.toContain(nonce!);

    for (const path of ["/api/v1/me", "/api/health", "/login"]) {
      const answer = await request.get(path);
      expect(answer.headers(), path).toMatchObject({
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "content-security-policy": expect.stringContaining("frame-ancestors 'none'"),
      });
    }
    expect((await request.get("/api/v1/me")).headers()["content-security-policy"]).toMatch(
      /^default-src 'none'/,
    );
  });
});

test.describe("cookie requests from other sites", () => {
  test("a cross-site or non-JSON POST with the session cookie is refused; the app's own is accepted", async ({
    page,
  }) => {
    await page.goto("/");
    const origin = new URL(page.url()).origin;
    const post = (headers: Record<string, string>, data: string) =>
      page.request.post("/api/v1/tokens", { headers, data });
    const crossSite = await post(
      { origin: "https://evil.example", "content-type": "application/json" },
      '{"name":"csrf"}',
    );
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { code: "forbidden" } });
    const plain = await post({ origin, "content-type": "text/plain" }, '{"name":"csrf"}');
    expect(plain.status()).toBe(415);

    const own = await post(
      { origin, "content-type": "application/json" },
      '{"name":"e2e","expiresInDays":1}',
    );
    expect(own.status()).toBe(201);
    const { id, token } = (await own.json()) as { id: string; token: string };
    // The new token works from anywhere, as a script would use it; revoked, it stops.
    const viaToken = await page.request.fetch("/api/v1/me", {
      headers: { authorization: `Bearer ${token}`, origin: "https://elsewhere.example" },
    });
    expect(viaToken.status()).toBe(200);
    const revoked = await page.request.delete(`/api/v1/tokens/${id}`, { headers: { origin } });
    expect(revoked.status()).toBe(200);
    const after = await page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
    expect(after.status()).toBe(401);
  });
});

test.describe("signing in, hardened", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a callbackUrl that leaves the site leads to the dashboard instead", async ({ page }) => {
    for (const callbackUrl of [
      "/\\evil.example",
      "/\t/evil.example",
      "//evil.example",
      "https://evil.example/",
    ]) {
      await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await page.getByLabel("Email").fill(E2E_ADMIN.email);
      await page.getByLabel("Password").fill(E2E_ADMIN.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
      expect(page.url(), callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      await page.context().clearCookies();
    }
  });

  test("forged X-Forwarded-For headers change nothing: the limit counts the real address", async ({
    request,
  }) => {
    const stranger = { email: "nobody-forwarded@imei-desk.local", password: "guess-guess" };
    for (let i = 0; i < 3; i += 1) {
      const forged = { "x-forwarded-for": `203.0.113.${i + 1}`, "x-real-ip": `198.51.100.${i + 1}` };
      expect(await signInByHttp(request, stranger, forged)).toBe("Wrong email or password.");
    }
    // A fourth address claimed in the headers is still the same client: it must wait.
    const refused = await signInByHttp(request, stranger, { "x-forwarded-for": "192.0.2.99" });
    expect(refused).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/);
  });
});

test.describe("a stranger guessing the admin's password", () => {
  test("is slowed, while the admin's own browser signs in at once and is told about it", async ({
    page,
    playwright,
    baseURL,
  }) => {
    const stranger = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [], origins: [] },
    });
    const guess = { email: E2E_ADMIN.email, password: "not-the-password" };
    for (let i = 0; i < 3; i += 1)
      expect(await signInByHttp(stranger, guess)).toBe("Wrong email or password.");
    // Even the right password: the stranger's browser has not signed in before, so it waits.
    expect(await signInByHttp(stranger, E2E_ADMIN)).toMatch(/^Too many failed sign-ins\. Try again in/);
    await stranger.dispose();

    // The admin's browser has signed in before (its known-device cookie): no wait.
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    const notice = page.getByRole("note", { name: "Sign-in activity" });
    await expect(notice).toContainText(
      /\d+ failed sign-in attempts on your account since your previous sign-in/,
    );
    await expect(notice).toContainText("127.0.0.1");
  });
});
