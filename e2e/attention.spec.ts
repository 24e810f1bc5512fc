import { expect, test, type Page } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import { E2E_OPERATOR } from "./credentials";
import { sameOrigin, signedInPage } from "./sign-in";

/** The sandbox upstream the e2e server started (scripts/e2e-server.ts: the app's port + 10). */
const sandboxUrl = () => {
  const app = new URL(test.info().project.use.baseURL!);
  return `http://127.0.0.1:${Number(app.port) + 10}`;
};

/** This spec's own IMEIs (valid Luhn), unused by the other specs. */
const imeis = Array.from({ length: 5 }, (_, i) => {
  const body = `3578${String(Date.now() % 1e6).padStart(6, "0")}${String(i).padStart(4, "0")}`;
  return body + luhnCheckDigit(body);
});

async function setFaults(page: Page, faults: object) {
  const response = await page.request.post(`${sandboxUrl()}/__sandbox/faults`, { data: faults });
  expect(response.status()).toBe(200);
}

test("uncertain orders are decided in bulk from the needs-attention list: pasted ids verified, the rest written off", async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  const page = await signedInPage(browser, E2E_OPERATOR);

  // The upstream charges every order and drops the answer: all five are uncertain, and paid.
  await setFaults(page, { dropAfterCharge: 1 });
  let batchId = "";
  try {
    const draft = await page.request.post("/api/v1/batches", {
      headers: sameOrigin(),
      data: { serviceId: "1739", imeis, name: "lost-answers" },
    });
    expect(draft.status()).toBe(201);
    batchId = ((await draft.json()) as { id: string }).id;
    const confirm = await page.request.post(`/api/v1/batches/${batchId}/confirm`, { headers: sameOrigin() });
    expect(confirm.status()).toBe(202);
    await expect
      .poll(
        async () => {
          const list = await page.request.get(`/api/v1/orders?batchId=${batchId}&status=uncertain`);
          return ((await list.json()) as { orders: unknown[] }).orders.length;
        },
        { timeout: 60_000 },
      )
      .toBe(5);
  } finally {
    await setFaults(page, {});
  }
  const placed = (await (await page.request.get(`${sandboxUrl()}/__sandbox/orders`)).json()) as {
    orders: { id: string; imei: string }[];
  };
  const upstreamIdOf = (imei: string) => placed.orders.find((o) => o.imei === imei)!.id;

  // One order's own page offers the same three decisions.
  const uncertain = (await (
    await page.request.get(`/api/v1/orders?batchId=${batchId}&status=uncertain`)
  ).json()) as { orders: { id: string; imei: string }[] };
  const lastOne = uncertain.orders.find((o) => o.imei === imeis[4])!;
  await page.goto(`/orders/${lastOne.id}`);
  const decision = page.getByRole("region", { name: "Decide this order" });
  for (const label of ["It was placed", "It was not placed", "Write it off"]) {
    await expect(decision.getByText(label)).toBeVisible();
  }
  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    const file = testInfo.outputPath(`order-uncertain-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`an uncertain order's page at ${width} px`, {
      path: file,
      contentType: "image/png",
    });
  }
  await page.setViewportSize({ width: 1366, height: 900 });

  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: /Needs attention/ }).click();
  await expect(page.getByRole("heading", { name: "Needs attention" })).toBeVisible();
  const table = page.getByRole("table", { name: "Orders that need a decision" });
  for (const imei of imeis) await expect(table.getByRole("row").filter({ hasText: imei })).toBeVisible();
  const mine = await table.getByRole("row").count();
  await expect(page.getByTestId("selected-count")).toHaveText(`0 of ${mine - 1} orders selected.`);

  // Pasted as copied from the site: a header line, tabs and commas; one id GSM Fusion does not have.
  const pasted = [
    "IMEI\tOrder ID",
    `${imeis[0]}\t${upstreamIdOf(imeis[0]!)}`,
    `${imeis[1]}, ${upstreamIdOf(imeis[1]!)}`,
    `${imeis[2]};${upstreamIdOf(imeis[2]!)}`,
    `${imeis[3]}\t99999999`,
  ].join("\n");
  await page.getByLabel(/Paste an IMEI and its GSM Fusion order id/).fill(pasted);
  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    const file = testInfo.outputPath(`attention-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`needs attention at ${width} px`, { path: file, contentType: "image/png" });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.getByRole("button", { name: "Check and link" }).click();
  const outcome = page.getByRole("status").filter({ hasText: "decided" });
  await expect(outcome).toContainText("3 orders decided, 1 not.");
  await expect(page.getByTestId("refused-lines")).toContainText(
    `Line 5 · IMEI ${imeis[3]}: upstreamOrderId: the upstream has no order 99999999`,
  );
  for (const imei of imeis.slice(0, 3))
    await expect(table.getByRole("row").filter({ hasText: imei })).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  const result = testInfo.outputPath("attention-result-390.png");
  await page.screenshot({ path: result, fullPage: true });
  await testInfo.attach("pasted pairs: the outcome per line, at 390 px", {
    path: result,
    contentType: "image/png",
  });
  await page.setViewportSize({ width: 1366, height: 900 });
  await expect(nav.getByRole("link", { name: /Needs attention/ })).toContainText(String(mine - 1 - 3));

  // The other two: select them and write them off at once.
  for (const imei of imeis.slice(3)) await page.getByRole("checkbox", { name: `Select ${imei}` }).check();
  await expect(page.getByTestId("selected-count")).toHaveText(`2 of ${mine - 1 - 3} orders selected.`);
  await page.getByRole("button", { name: "Write off…" }).click();
  await page.getByLabel("Note (optional)").fill("not on the site");
  const file = testInfo.outputPath("attention-confirm-1366.png");
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach("writing off two orders", { path: file, contentType: "image/png" });
  await page.getByRole("button", { name: "Write off 2 orders" }).click();
  await expect(page.getByRole("status").filter({ hasText: "decided" })).toContainText("2 orders decided.");
  for (const imei of imeis) await expect(table.getByRole("row").filter({ hasText: imei })).toHaveCount(0);

  // Linked ones are placed with their ids; written-off ones stay in the batch's cost as possibly charged.
  const orders = (await (await page.request.get(`/api/v1/orders?batchId=${batchId}`)).json()) as {
    orders: { imei: string; state: string; upstreamOrderId: string | null; errorKind: string | null }[];
  };
  const byImei = new Map(orders.orders.map((o) => [o.imei, o]));
  for (const imei of imeis.slice(0, 3)) {
    expect(byImei.get(imei)).toMatchObject({ upstreamOrderId: upstreamIdOf(imei) });
    expect(["submitted", "completed", "rejected"]).toContain(byImei.get(imei)!.state);
  }
  for (const imei of imeis.slice(3)) {
    expect(byImei.get(imei)).toMatchObject({ state: "failed", errorKind: "written_off" });
  }
  await page.goto(`/batches/${batchId}`);
  await expect(page.getByTestId("cost-written-off")).toContainText("$0.16 written off (possibly charged)");
  await page.goto("/statistics");
  await expect(page.getByTestId("written-off-spend")).toContainText("2 · $0.16");
  const stats = testInfo.outputPath("statistics-1366.png");
  await page.screenshot({ path: stats, fullPage: true });
  await testInfo.attach("statistics with written-off orders", { path: stats, contentType: "image/png" });
  await page.context().close();
});
