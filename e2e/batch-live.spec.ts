import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import { E2E_OPERATOR, E2E_OTHER_OPERATOR } from "./credentials";
import { sameOrigin, signedInPage } from "./sign-in";

/** The sandbox upstream the e2e server started (scripts/e2e-server.ts: the app's port + 10). */
const sandboxUrl = () => {
  const app = new URL(test.info().project.use.baseURL!);
  return `http://127.0.0.1:${Number(app.port) + 10}`;
};

/** This spec's own IMEIs (valid Luhn), unused by the other specs; `group` keeps each test's apart. */
function imeisFor(group: number, count: number): string[] {
  const stamp = String(Date.now() % 1e5).padStart(5, "0");
  return Array.from({ length: count }, (_, i) => {
    const body = `3581${group}${stamp}${String(i).padStart(4, "0")}`;
    return body + luhnCheckDigit(body);
  });
}

async function setFaults(page: Page, faults: object) {
  const response = await page.request.post(`${sandboxUrl()}/__sandbox/faults`, { data: faults });
  expect(response.status()).toBe(200);
}

async function startBatch(page: Page, imeis: string[], name: string): Promise<string> {
  const draft = await page.request.post("/api/v1/batches", {
    headers: sameOrigin(),
    data: { serviceId: "1739", imeis, name },
  });
  expect(draft.status()).toBe(201);
  const batchId = ((await draft.json()) as { id: string }).id;
  const confirm = await page.request.post(`/api/v1/batches/${batchId}/confirm`, { headers: sameOrigin() });
  expect(confirm.status()).toBe(202);
  return batchId;
}

async function shoot(page: Page, testInfo: TestInfo, name: string, what: string) {
  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    const file = testInfo.outputPath(`${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`${what} at ${width} px`, { path: file, contentType: "image/png" });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

test("a running batch shows its pace and time left; while GSM Fusion answers 503 a banner says so instead of Running · Live", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const page = await signedInPage(browser, E2E_OPERATOR);

  // Slow answers: the batch runs long enough to have a rate and a time left.
  await setFaults(page, { latencyMs: { placeorder: 2_000 } });
  const running = await startBatch(page, imeisFor(1, 240), "pace.csv");
  try {
    await page.goto(`/batches/${running}`);
    const pace = page.getByTestId("batch-pace");
    await expect(pace).toHaveText(/^\d+(\.\d)? orders\/s · (about \d+ min left|less than a minute left)$/, {
      timeout: 30_000,
    });
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    await expect(page.getByText("Infinity")).toHaveCount(0);
    await expect(page.getByText("NaN")).toHaveCount(0);
    // The API says what the page says: the same computation, sent with the progress.
    const progress = (await (await page.request.get(`/api/v1/batches/${running}`)).json()) as {
      pace: { phase: string; perSecond: number | null; secondsLeft: number | null };
    };
    expect(progress.pace.phase).toBe("placing");
    expect(progress.pace.perSecond).toBeGreaterThan(0);
    await shoot(page, testInfo, "batch-running", "a running batch with its pace");
  } finally {
    await page.request.post(`/api/v1/batches/${running}/cancel`, { headers: sameOrigin() });
    await setFaults(page, {});
  }

  // Every call answered 503: the breaker opens, the orders wait in the queue, nothing is charged.
  await setFaults(page, { rate503: 1 });
  const stalled = await startBatch(page, imeisFor(2, 30), "outage.csv");
  try {
    await page.goto(`/batches/${stalled}`);
    const banner = page.getByTestId("upstream-banner");
    await expect(banner).toContainText("GSM Fusion is not answering; 30 orders wait; nothing is lost", {
      timeout: 30_000,
    });
    await expect(page.getByText("Waiting for GSM Fusion")).toBeVisible();
    await expect(page.getByText("Live", { exact: true })).toHaveCount(0);
    await expect(page.getByText("Running", { exact: true })).toHaveCount(0);
    await expect(page.getByTestId("count-queued")).toHaveText("30");
    await shoot(page, testInfo, "batch-upstream-failing", "the batch while GSM Fusion answers 503");
  } finally {
    await setFaults(page, {});
  }
  // The site answers again: the breaker's next probe places an order, the banner goes, the batch goes on.
  await expect(page.getByTestId("upstream-banner")).toHaveCount(0, { timeout: 90_000 });
  await page.request.post(`/api/v1/batches/${stalled}/cancel`, { headers: sameOrigin() });
});

test("an order's page: every field, the result as a table and as received, Refresh status now; another operator gets a 404", async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  const owner = await signedInPage(browser, E2E_OTHER_OPERATOR);
  const [imei] = imeisFor(3, 1);
  const batchId = await startBatch(owner, [imei!], "detail-sheet.csv");
  let orderId = "";
  await expect
    .poll(
      async () => {
        const list = await owner.request.get(`/api/v1/orders?batchId=${batchId}`);
        const order = ((await list.json()) as { orders: { id: string; state: string }[] }).orders[0];
        orderId = order?.id ?? "";
        return order?.state;
      },
      { timeout: 30_000 },
    )
    .toBe("submitted");

  await owner.goto(`/orders/${orderId}`);
  await expect(owner.getByRole("heading", { name: `IMEI ${imei}` })).toBeVisible();
  await expect(owner.getByRole("link", { name: "detail-sheet.csv" }).first()).toBeVisible();
  // No internal id anywhere on the page.
  expect(await owner.locator("main").innerText()).not.toContain(orderId);
  expect(await owner.locator("main").innerText()).not.toContain(batchId);
  // Placed and waiting for its result (the sandbox answers after 6 s; the first automatic check is at 5 s).
  await owner.getByRole("button", { name: "Refresh status now" }).click();
  await expect(owner.getByTestId("refresh-status")).toHaveText(
    /Still in progress at GSM Fusion|The result has arrived/,
  );
  // The result arrives (the sandbox finishes in 6 s): the fields as a table, and the text as received.
  await expect
    .poll(
      async () => {
        await owner.reload();
        return owner.getByTestId("raw-result").count();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe(1);
  const raw = owner.getByTestId("raw-result");
  await expect(raw).toContainText(`IMEI Number: ${imei}`);
  // `<br>` became line breaks; nothing of it was rendered as HTML.
  expect((await raw.innerText()).split("\n").length).toBeGreaterThanOrEqual(10);
  await expect(raw).not.toContainText("<br>");
  await expect(owner.getByTestId("result-fields").getByRole("row", { name: /Carrier/ })).toBeVisible();
  await expect(owner.getByText("Completed").first()).toBeVisible();
  await expect(owner.getByRole("button", { name: "Refresh status now" })).toHaveCount(0);
  await expect(owner.getByTestId("order-history")).toContainText("Submitted → Completed");
  await shoot(owner, testInfo, "order-detail", "an order's page with its result");

  // Another operator: exactly the unknown-id 404, through the page and the API.
  const other = await signedInPage(browser, E2E_OPERATOR);
  const response = await other.goto(`/orders/${orderId}`);
  expect(response?.status()).toBe(404);
  expect((await other.request.get(`/api/v1/orders/${orderId}`)).status()).toBe(404);
});

test("with 'operators see every order' on, another's uncertain order shows no decision buttons; refreshing is allowed", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const owner = await signedInPage(browser, E2E_OPERATOR);
  // The upstream charges and drops the answer: the order is uncertain.
  await setFaults(owner, { dropAfterCharge: 1 });
  let orderId = "";
  try {
    const batchId = await startBatch(owner, imeisFor(4, 1), "lost-answer.csv");
    await expect
      .poll(
        async () => {
          const list = await owner.request.get(`/api/v1/orders?batchId=${batchId}&status=uncertain`);
          orderId = ((await list.json()) as { orders: { id: string }[] }).orders[0]?.id ?? "";
          return orderId;
        },
        { timeout: 60_000 },
      )
      .not.toBe("");
  } finally {
    await setFaults(owner, {});
  }
  await owner.goto(`/orders/${orderId}`);
  await expect(owner.getByRole("region", { name: "Decide this order" })).toBeVisible();

  const other = await signedInPage(browser, E2E_OTHER_OPERATOR);
  const setting = page.getByRole("checkbox", { name: "Operators see every operator's orders" });
  const save = async (on: boolean) => {
    await page.goto("/admin");
    await setting.setChecked(on);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  };
  await save(true);
  try {
    expect((await other.goto(`/orders/${orderId}`))?.status()).toBe(200);
    await expect(other.getByText("Only its owner or an admin can decide it.")).toBeVisible();
    await expect(other.getByRole("region", { name: "Decide this order" })).toHaveCount(0);
    await expect(
      other.getByRole("button", { name: /It was placed|Write it off|It was not placed/ }),
    ).toHaveCount(0);
    // Asking GSM Fusion about an order one may see is not an action on it: no 403.
    const sync = await other.request.post("/api/v1/orders/sync", {
      headers: sameOrigin(),
      data: { orderIds: [orderId] },
    });
    expect(sync.status()).toBe(200);
  } finally {
    await save(false);
  }
  expect((await other.goto(`/orders/${orderId}`))?.status()).toBe(404);
});
