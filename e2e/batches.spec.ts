import { fileURLToPath } from "node:url";
import { expect, test, type Page, type Route } from "@playwright/test";
import type { BatchProgress } from "../lib/batches/schemas";
import { luhnCheckDigit } from "../lib/imei";
import type { ApiOrder, OrderDetail } from "../lib/orders/schemas";
import type { OrderState } from "../lib/orders/states";
import { sameOrigin } from "./sign-in";

const MIXED_CSV = fileURLToPath(new URL("./fixtures/mixed.csv", import.meta.url));

async function pickAppleChecker(page: Page) {
  const picker = page.getByRole("combobox", { name: "Service" });
  await picker.fill("1739");
  await page.getByRole("option", { name: /Apple iPhone IMEI Carrier \+ Simlock/ }).click();
  const picked = page.getByTestId("picked-service");
  await expect(picked).toContainText("Apple iPhone IMEI Carrier + Simlock");
  await expect(page.getByTestId("picked-price")).toHaveText("$0.08");
}

test("a CSV is previewed, priced, confirmed once and followed until every order is finished", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New batch" }).click();
  await expect(page.getByRole("heading", { name: "New batch" })).toBeVisible();

  await pickAppleChecker(page);
  await page.getByLabel("Choose a CSV file").setInputFiles(MIXED_CSV);
  await expect(page.getByTestId("file-name")).toHaveText("mixed.csv");

  // The browser's own reading, with the file's line numbers (the header is line 1).
  const preview = page.getByTestId("local-preview");
  await expect(preview).toContainText("12 lines read from the “IMEI” column");
  await expect(page.getByTestId("preview-valid")).toHaveText("8");
  await expect(page.getByTestId("preview-invalid")).toHaveText("3");
  await expect(page.getByTestId("preview-duplicates")).toHaveText("1");
  const invalid = page.getByRole("table", { name: "Invalid lines found in the browser" });
  await expect(invalid.getByRole("row").filter({ hasText: "3569380356431140" })).toContainText(
    "10" + "3569380356431140" + "looks like an IMEISV",
  );
  await expect(invalid.getByRole("row").filter({ hasText: "3.53979E+14" })).toContainText(
    "a spreadsheet turned this IMEI into a number (3.53979E+14)",
  );
  await expect(invalid.getByRole("row").filter({ hasText: "353979106673006" })).toContainText(
    "12" + "353979106673006" + "fails the Luhn check digit (last digit should be 5)",
  );
  const repeats = page.getByRole("table", { name: "IMEIs repeated in the file" });
  await expect(repeats.getByRole("row").filter({ hasText: "490154203237229" })).toContainText("4, 13");

  // The server's priced draft; nothing is placed yet.
  await page.getByRole("button", { name: "Review cost" }).click();
  await expect(page.getByTestId("estimated-total")).toHaveText("$0.64");
  await expect(page.getByTestId("orders-to-place")).toHaveText("8");
  await expect(page.getByTestId("unit-price")).toHaveText("$0.08");
  await expect(
    page.getByRole("table", { name: "Invalid lines found by the server" }).getByRole("row"),
  ).toHaveCount(4);
  const confirm = page.getByRole("button", { name: "Place 8 orders for $0.64" });
  await expect(confirm).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath("new-batch-review.png"), fullPage: true });
  await testInfo.attach("new batch: review before confirming", {
    path: testInfo.outputPath("new-batch-review.png"),
    contentType: "image/png",
  });

  await confirm.click();
  await expect(page).toHaveURL(/\/batches\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "Batch" })).toBeVisible();
  // The sandbox completes (or rejects) each order within seconds; all 8 must end up finished.
  await expect(page.getByTestId("progress-summary")).toContainText("8 of 8 finished", { timeout: 60_000 });
  await expect(
    page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: "Done" }),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
  const orders = page.getByRole("table", { name: "Orders of this batch" });
  await expect(orders.getByRole("row")).toHaveCount(9);
  await expect(orders.getByRole("row").filter({ hasText: "353979106673005" })).toContainText(
    /Completed|Rejected/,
  );
  await page.screenshot({ path: testInfo.outputPath("batch-done.png"), fullPage: true });
  await testInfo.attach("batch page when done", {
    path: testInfo.outputPath("batch-done.png"),
    contentType: "image/png",
  });

  // The same file again: every IMEI was ordered already, so nothing is placed unless asked for.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New batch" }).click();
  await pickAppleChecker(page);
  await page.getByLabel("Choose a CSV file").setInputFiles(MIXED_CSV);
  await expect(page.getByTestId("preview-valid")).toHaveText("8");
  await page.getByRole("button", { name: "Review cost" }).click();
  await expect(page.getByTestId("estimated-total")).toHaveText("$0.00");
  await expect(page.getByRole("button", { name: "Reuse 8 earlier results for $0.00" })).toBeEnabled();
  const earlier = page.getByRole("table", { name: "IMEIs ordered before" });
  await expect(earlier.getByRole("row").filter({ hasText: "353979106673005" })).toContainText(
    /Completed|Rejected/,
  );
  await page.getByLabel(/Order these 8 again/).check();
  await expect(page.getByTestId("estimated-total")).toHaveText("$0.64");
  await expect(page.getByRole("button", { name: "Place 8 orders for $0.64" })).toBeEnabled();
});

test("pasted IMEIs are checked as they are typed, and nothing can be priced without valid ones", async ({
  page,
}) => {
  await page.goto("/batches/new");
  const picker = page.getByRole("combobox", { name: "Service" });
  await picker.focus();
  await picker.press("ArrowDown");
  await picker.press("Enter");
  await expect(page.getByTestId("picked-service")).toBeVisible();

  await page.getByRole("tab", { name: "Paste IMEIs" }).click();
  await page.getByLabel(/IMEIs, one per line/).fill("35397910667356\n3.53979E+14\n");
  await expect(page.getByTestId("preview-valid")).toHaveText("0");
  const invalid = page.getByRole("table", { name: "Invalid lines found in the browser" });
  await expect(invalid.getByRole("row").filter({ hasText: "35397910667356" })).toContainText(
    "the check digit may be missing (it would be 7)",
  );
  await expect(page.getByRole("button", { name: "Review cost" })).toBeDisabled();
  await expect(page.getByText("There are no valid IMEIs to place.")).toBeVisible();
});

test("a 20,000-line file is read in a Web Worker, without freezing the page", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/batches/new");
  const imeis = Array.from({ length: 20_000 }, (_, i) => {
    const body = `35000000${String(i).padStart(6, "0")}`;
    return `${body}${luhnCheckDigit(body)}`;
  });
  const workerStarted = page.waitForEvent("worker");
  await page.getByLabel("Choose a CSV file").setInputFiles({
    name: "big.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`IMEI;Note\n${imeis.map((imei) => `${imei};x`).join("\n")}\n`),
  });
  await workerStarted;
  await expect(page.getByTestId("preview-valid")).toHaveText("20,000");
  await expect(page.getByTestId("preview-invalid")).toHaveText("0");
  await expect(page.getByTestId("local-preview")).toContainText("20,000 lines read from the “IMEI” column");
  expect(errors, "a worker that fails to load would log here and fall back to the main thread").toEqual([]);
});

test.describe("failures the sandbox does not produce (API answers stubbed in the browser)", () => {
  async function pasteTwo(page: Page) {
    await page.goto("/batches/new");
    await pickAppleChecker(page);
    await page.getByRole("tab", { name: "Paste IMEIs" }).click();
    await page.getByLabel(/IMEIs, one per line/).fill("353979106673567\n356938035643809\n");
    await expect(page.getByTestId("preview-valid")).toHaveText("2");
  }

  test("a spending limit on confirm is explained, and the page stays on the review", async ({ page }) => {
    await pasteTwo(page);
    await page.route("**/api/v1/batches/*/confirm", (route) =>
      route.fulfill({
        status: 402,
        json: {
          error: {
            code: "spend_limit",
            message:
              "This batch ($0.16) would take today's spend to $1,600.08; the shop's daily limit is $1,600.00.",
          },
        },
      }),
    );
    await page.getByRole("button", { name: "Review cost" }).click();
    await page.getByRole("button", { name: "Place 2 orders for $0.16" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Over the spending limit" });
    await expect(alert).toContainText("the shop's daily limit is $1,600.00");
    await expect(alert).toContainText("Nothing was placed");
    await expect(page).toHaveURL(/\/batches\/new$/);
  });

  test("a price changed since the review is shown with the new total, and confirming again sends the new price", async ({
    page,
  }, testInfo) => {
    await pasteTwo(page);
    const confirms: unknown[] = [];
    await page.route("**/api/v1/batches/*/confirm", (route) => {
      confirms.push(route.request().postDataJSON());
      if (confirms.length === 1)
        return route.fulfill({
          status: 409,
          json: {
            error: {
              code: "price_changed",
              message: "The price changed from $0.08 to $0.10 per IMEI since this batch was priced.",
              details: {
                serviceId: "1739",
                previousUnitPrice: "0.08",
                unitPrice: "0.10",
                estimatedCost: "0.20",
                estimatedCostWithRepeats: "0.20",
              },
            },
          },
        });
      return route.fulfill({
        status: 500,
        json: { error: { code: "internal", message: "stub: stop here" } },
      });
    });
    await page.getByRole("button", { name: "Review cost" }).click();
    await page.getByRole("button", { name: "Place 2 orders for $0.16" }).click();

    const notice = page.getByTestId("price-changed");
    await expect(notice).toContainText("GSM Fusion now charges $0.10 per IMEI instead of $0.08");
    await expect(notice).toContainText("the total is now $0.20");
    await expect(page.getByTestId("estimated-total")).toHaveText("$0.20");
    await expect(page.getByTestId("unit-price")).toHaveText("$0.10");
    await expect(page.getByTestId("picked-price")).toHaveText("$0.10");
    await expect(page.getByRole("alert").filter({ hasText: "The batch was not confirmed" })).toHaveCount(0);
    for (const [name, width] of [
      ["wide", 1366],
      ["phone", 390],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      const file = testInfo.outputPath(`draft-price-changed-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`draft review: the price changed (${width} px)`, {
        path: file,
        contentType: "image/png",
      });
    }

    await page.getByRole("button", { name: "Place 2 orders for $0.20" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The batch was not confirmed" })).toBeVisible();
    expect(confirms).toEqual([
      { reorderRepeats: false, unitPrice: "0.08" },
      { reorderRepeats: false, unitPrice: "0.10" },
    ]);
  });

  test("a 422 lists the server's issues with their line numbers", async ({ page }) => {
    await pasteTwo(page);
    await page.route("**/api/v1/batches", (route) =>
      route.fulfill({
        status: 422,
        json: {
          error: {
            code: "validation_failed",
            message: "No valid IMEI to place. Line 2: fails the Luhn check digit (last digit should be 9)",
            details: {
              issues: [
                { field: "csv", line: 2, message: "fails the Luhn check digit (last digit should be 9)" },
              ],
            },
          },
        },
      }),
    );
    await page.getByRole("button", { name: "Review cost" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "The batch could not be priced" });
    await expect(alert).toContainText("Line 2: fails the Luhn check digit (last digit should be 9)");
  });

  test("a lost connection says so", async ({ page }) => {
    await pasteTwo(page);
    await page.route("**/api/v1/batches", (route) => route.abort("internetdisconnected"));
    await page.getByRole("button", { name: "Review cost" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "No connection" })).toContainText(
      "Nothing was placed",
    );
  });

  test("without live updates the page polls; uncertain orders are explained and resolved; a batch is cancelled", async ({
    page,
  }, testInfo) => {
    // The page checks on the server that the batch exists and who may see it: a real draft of the
    // admin's, whose answers in the browser are stubbed.
    const body = "35779999000001";
    const draft = await page.request.post("/api/v1/batches", {
      headers: sameOrigin(),
      data: { serviceId: "1739", imeis: [body + luhnCheckDigit(body)], name: "stub" },
    });
    expect(draft.status()).toBe(201);
    const batchId = ((await draft.json()) as { id: string }).id;
    // Stubbed answers have the API's full shapes: the page parses them with the same schemas.
    const progress: BatchProgress = {
      id: batchId,
      status: "running",
      service: { id: "1739", title: "Apple checker (stub)" },
      sourceName: "stub.csv",
      ownerId: "stub-operator",
      total: 3,
      toSubmit: 3,
      invalid: 0,
      duplicatesInBatch: 0,
      counts: {
        queued: 1,
        submitting: 0,
        submitted: 0,
        completed: 1,
        rejected: 0,
        duplicate: 0,
        failed: 0,
        uncertain: 1,
        cancelled: 0,
        skipped: 0,
      },
      cost: { estimated: "0.24", placed: "0.08", uncertain: "0.08", writtenOff: "0.00" },
      createdAt: "2026-11-21T10:00:00.000Z",
      confirmedAt: "2026-11-21T10:00:05.000Z",
      finishedAt: null,
      pace: { phase: "placing", perSecond: null, secondsLeft: null, toPlace: 1, waitingForResults: 0 },
      upstream: { state: "answering", reason: null, since: null, waiting: 1 },
    };
    const order = (
      id: string,
      imei: string,
      line: number,
      state: OrderState,
      extra: Partial<ApiOrder> = {},
    ): ApiOrder => ({
      id,
      batchId,
      imei,
      line,
      serviceId: "1739",
      state,
      upstreamOrderId: null,
      upstreamStatus: null,
      code: null,
      result: null,
      placedAt: null,
      finishedAt: null,
      createdAt: "2026-11-21T10:00:05.000Z",
      price: "0.08",
      overdue: false,
      errorKind: null,
      errorMessage: null,
      settleNote: null,
      reusedFromId: null,
      ...extra,
    });
    let uncertainResolved = false;
    const resolutions: unknown[] = [];
    await page.route(`**/api/v1/batches/${batchId}/events`, (route) =>
      route.fulfill({ status: 500, body: "" }),
    );
    await page.route(`**/api/v1/batches/${batchId}`, (route) => route.fulfill({ json: progress }));
    await page.route(`**/api/v1/batches/${batchId}/cancel`, (route) => {
      progress.status = "cancelled";
      progress.counts = { ...progress.counts, queued: 0, cancelled: 1 };
      return route.fulfill({ json: progress });
    });
    await page.route(
      (url) => url.pathname === `/api/v1/batches/${batchId}/orders`,
      (route: Route) =>
        route.fulfill({
          json: {
            orders: [
              order("o-1", "353979106673567", 2, "completed", {
                upstreamOrderId: "15556534",
                result: {
                  model: "iPhone 12",
                  carrier: "AT&T",
                  fmi: "OFF",
                  raw: "…",
                  text: "…",
                  fields: {},
                  unknownLabels: [],
                },
              }),
              order("o-2", "356938035643809", 3, uncertainResolved ? "submitted" : "uncertain"),
              order("o-3", "490154203237518", 4, "queued"),
            ].map((o) => ({ ...o, reusedFrom: null })),
            total: 3,
            page: 1,
            pageCount: 1,
          },
        }),
    );
    await page.route("**/api/v1/orders/o-2/resolve", (route) => {
      resolutions.push(route.request().postDataJSON());
      uncertainResolved = true;
      progress.counts = { ...progress.counts, uncertain: 0, submitted: 1 };
      const resolved: OrderDetail = {
        ...order("o-2", "356938035643809", 3, "submitted", { upstreamOrderId: "15556999" }),
        serviceTitle: "Apple checker (stub)",
        batchSourceName: "stub.csv",
        attempts: 1,
        checkCount: 0,
        lastCheckedAt: null,
        nextCheckAt: null,
        events: [],
        reusedFrom: null,
      };
      return route.fulfill({ json: resolved });
    });

    await page.goto(`/batches/${batchId}`);
    await expect(page.getByTestId("progress-summary")).toContainText("1 of 3 finished");
    await expect(page.getByText("Live updates unavailable; refreshing every 3 s")).toBeVisible();
    const orders = page.getByRole("table", { name: "Orders of this batch" });
    await expect(orders.getByRole("row").filter({ hasText: "353979106673567" })).toContainText(
      "Model: iPhone 12 · Carrier: AT&T · FMI: OFF",
    );

    const needsPerson = page.getByRole("status").filter({ hasText: "1 order uncertain" });
    await expect(needsPerson).toContainText("never simply retries it");
    await orders
      .getByRole("row")
      .filter({ hasText: "356938035643809" })
      .getByRole("button", { name: "Resolve" })
      .click();
    await page.getByLabel("It was placed").check();
    await page.screenshot({ path: testInfo.outputPath("batch-uncertain.png"), fullPage: true });
    await testInfo.attach("batch page: resolving an uncertain order", {
      path: testInfo.outputPath("batch-uncertain.png"),
      contentType: "image/png",
    });
    await page.getByLabel("GSM Fusion order id").fill("abc");
    await page.getByRole("button", { name: "Save decision" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "digits only" })).toBeVisible();
    await page.getByLabel("GSM Fusion order id").fill("15556999");
    await page.getByRole("button", { name: "Save decision" }).click();
    await expect(needsPerson).toHaveCount(0);
    expect(resolutions).toEqual([{ action: "placed", upstreamOrderId: "15556999" }]);
    await expect(orders.getByRole("row").filter({ hasText: "356938035643809" })).toContainText("Submitted");

    await page.getByRole("button", { name: "Cancel batch" }).click();
    await page.getByRole("button", { name: "Yes, cancel queued orders" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Cancelled" })).toContainText(
      "1 order was not placed",
    );
    await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
  });
});
