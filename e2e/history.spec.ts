import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import type { OrdersPage } from "../lib/orders/schemas";
import { sameOrigin } from "./sign-in";

// This spec's own IMEIs (Luhn-valid, so the sandbox answers them), fresh per run so none is a repeat.
const run = String(Date.now()).slice(-6);
const imeiOf = (i: number) => {
  const body = `35817${run}${String(i).padStart(3, "0")}`;
  return body + luhnCheckDigit(body);
};
const IMEIS = Array.from({ length: 16 }, (_, i) => imeiOf(i));
const UNKNOWN = [imeiOf(900), imeiOf(901), imeiOf(902)];

test("the history finds a pasted list and names the unknown IMEIs; a carrier filter exports exactly its rows", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const headers = sameOrigin();
  // The sandbox's Apple checker (1739) answers with a carrier and a SIM lock for each IMEI.
  const draft = await page.request.post("/api/v1/batches", {
    data: { serviceId: "1739", imeis: IMEIS, name: "history-spec" },
    headers,
  });
  expect(draft.status()).toBe(201);
  const { id: batchId } = (await draft.json()) as { id: string };
  expect((await page.request.post(`/api/v1/batches/${batchId}/confirm`, { headers })).status()).toBe(202);
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/batches/${batchId}`)).json()) as { status: string }).status,
      { timeout: 60_000 },
    )
    .toBe("done");
  const all = (await (
    await page.request.get(`/api/v1/orders?batchId=${batchId}&limit=500`)
  ).json()) as OrdersPage;
  expect(all.total).toBe(IMEIS.length);

  // The carrier most of these orders came back with (never "Unlocked": its SIM lock differs).
  const counts = new Map<string, number>();
  for (const o of all.orders) {
    const carrier = o.result?.carrier;
    if (carrier && carrier !== "Unlocked") counts.set(carrier, (counts.get(carrier) ?? 0) + 1);
  }
  const [carrier] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const expected = all.orders.filter((o) => o.result?.carrier === carrier).map((o) => o.imei);

  // A pasted list: four of ours and three IMEIs nobody ordered, one line each.
  await page.goto(`/orders?batchId=${batchId}`);
  await page
    .getByLabel("IMEI list")
    .fill([IMEIS[0], UNKNOWN[0], IMEIS[1], UNKNOWN[1], IMEIS[2], IMEIS[3], UNKNOWN[2]].join("\n"));
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/imei=/);
  const missing = page.getByRole("region", { name: "IMEIs not found" });
  await expect(missing).toContainText("3 IMEIs of the list not found");
  await expect(missing.getByTestId("not-found-imeis").getByRole("listitem")).toHaveText(UNKNOWN);
  await expect(page.getByTestId("orders-range").first()).toHaveText("1–4 of 4");
  await expect(page.getByTestId("batch-filter")).toContainText("Batch: history-spec");
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: testInfo.outputPath(`not-found-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });

  // The carrier filter, in lower case (compared ignoring case), with the SIM lock: one URL.
  await page.goto(`/orders?batchId=${batchId}`);
  await page.getByLabel("Carrier", { exact: true }).fill(carrier.toLowerCase());
  await page.getByLabel("SIM lock", { exact: true }).fill("locked");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/carrier=/);
  await expect(page.getByTestId("orders-range").first()).toHaveText(
    `1–${expected.length} of ${expected.length}`,
  );
  const rows = page.getByRole("table", { name: "Orders" }).locator("tbody tr");
  await expect(rows).toHaveCount(expected.length);
  for (const row of await rows.all()) await expect(row).toContainText(carrier);

  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: testInfo.outputPath("history-1366.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("history-390.png"), fullPage: true });
  // At 390 px the page itself does not scroll sideways: the table scrolls inside its frame.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1366, height: 900 });

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = text.trim().split(/\r\n/);
  const header = lines[0]!.split(",");
  const imeiColumn = header.indexOf("IMEI NO.");
  const carrierColumn = header.indexOf("CARRIER");
  expect(imeiColumn).toBeGreaterThanOrEqual(0);
  const exported = lines.slice(1).map((line) => line.split(","));
  expect(exported.map((cells) => cells[imeiColumn]).sort()).toEqual([...expected].sort());
  for (const cells of exported) expect(cells[carrierColumn]).toBe(carrier);
});
