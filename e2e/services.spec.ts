import { expect, test, type Page } from "@playwright/test";

// Service rows have data cells; the header row and the per-category rows have only header cells.
const serviceRows = (page: Page) =>
  page
    .getByRole("table")
    .getByRole("row")
    .filter({ has: page.getByRole("cell") });

test.describe("services catalogue", () => {
  test("lists the sandbox catalogue with prices, and searches it", async ({ page }, testInfo) => {
    await page.goto("/services");
    await expect(page.getByRole("heading", { name: "Services", level: 1 })).toBeVisible();
    await expect(page.getByTestId("catalogue-freshness")).toContainText("refreshed");

    const apple = serviceRows(page).filter({ hasText: "Apple iPhone IMEI Carrier" });
    await expect(apple).toHaveCount(1);
    await expect(apple).toContainText("1739");
    await expect(apple).toContainText("🔥Hot Exclusive Checker🔥");
    await expect(apple).toContainText("$0.08");
    await expect(apple).toContainText("Instant-5 Minutes");
    await expect(page.getByRole("rowheader", { name: /Apple Unlocks/ })).toBeVisible();
    const total = await serviceRows(page).count();
    expect(total).toBeGreaterThanOrEqual(30);
    await page.screenshot({ path: testInfo.outputPath("services.png"), fullPage: true });
    await testInfo.attach("services catalogue", {
      path: testInfo.outputPath("services.png"),
      contentType: "image/png",
    });

    // Search with the keyboard: the list narrows to the Samsung services.
    await page.getByLabel("Search").fill("samsung");
    await page.getByLabel("Search").press("Enter");
    await expect(page).toHaveURL(/[?&]q=samsung/);
    await expect(serviceRows(page)).toHaveCount(4);
    await expect(serviceRows(page).first()).toContainText("Samsung");
    await expect(page.getByTestId("catalogue-freshness")).toContainText(`4 of ${total} services`);

    // A category on its own.
    await page.getByRole("link", { name: "Clear" }).click();
    await expect(serviceRows(page)).toHaveCount(total);
    await expect(page.getByLabel("Search")).toHaveValue("");
    await page.getByLabel("Category").selectOption("Carrier Checks");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/category=Carrier\+Checks/);
    await expect(serviceRows(page)).toHaveCount(4);

    // Nonsense: an empty state that says what to try.
    await page.goto("/services");
    await page.getByLabel("Search").fill("zzqx-no-such-service");
    await page.getByLabel("Search").press("Enter");
    await expect(page.getByRole("heading", { name: "No services match" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await page.getByRole("link", { name: "Show all services" }).click();
    await expect(serviceRows(page)).toHaveCount(total);
  });

  test("shows Must-read notes as text, never running their scripts or handlers", async ({
    page,
  }, testInfo) => {
    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    // 1743's notes carry a <script>, 2104's an onclick and an <img onerror>.
    await page.goto("/services?q=GSX");
    const gsx = serviceRows(page).filter({ hasText: "1743" });
    await gsx.getByText("Must read").click();
    await expect(gsx.getByText("Full GSX report.")).toBeVisible();
    const sample = gsx.getByRole("link", { name: "Sample result" });
    await expect(sample).toHaveAttribute("href", "https://example.com/sample");
    await expect(sample).toHaveAttribute("rel", /noopener/);
    await page.screenshot({ path: testInfo.outputPath("must-read.png") });
    await testInfo.attach("must-read open", {
      path: testInfo.outputPath("must-read.png"),
      contentType: "image/png",
    });

    await page.goto("/services?q=2104");
    const premium = serviceRows(page).filter({ hasText: "2104" });
    await premium.getByText("Must read").click();
    await expect(premium.getByText(/Premium service\./)).toBeVisible();
    await premium.getByText(/Premium service\./).click();

    const table = page.getByRole("table");
    await expect(table.locator("script, img, iframe, style, [onclick], [onerror], [style]")).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  test("the API answers the cached catalogue with decimal prices", async ({ page }) => {
    const response = await page.request.get("/api/v1/services?q=1739");
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { services: Array<Record<string, unknown>> };
    expect(body.services).toEqual([
      {
        id: "1739",
        title: expect.stringContaining("Apple iPhone IMEI Carrier"),
        category: "IMEI Checking",
        price: "0.08",
        deliveryTime: "Instant-5 Minutes",
      },
    ]);
    const all = await page.request.get("/api/v1/services");
    expect(((await all.json()) as { services: unknown[] }).services.length).toBeGreaterThanOrEqual(30);
    const tooLong = await page.request.get(`/api/v1/services?q=${"x".repeat(201)}`);
    expect(tooLong.status()).toBe(422);
  });
});
