import { expect, test } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import { sameOrigin } from "./sign-in";

const luhnImei = (body: string) => body + luhnCheckDigit(body);

// Valid IMEIs (Luhn) of this spec's own, placed through the API like a script would.
const IMEIS = ["356938035643809", "490154203237518"];

test("orders placed through the API show up in the history, with their detail and the dashboard", async ({
  page,
}, testInfo) => {
  const headers = sameOrigin();
  const draft = await page.request.post("/api/v1/batches", {
    data: { serviceId: "1739", imeis: IMEIS, name: "api-script" },
    headers,
  });
  expect(draft.status()).toBe(201);
  const { id, toSubmit, estimatedCost } = (await draft.json()) as {
    id: string;
    toSubmit: number;
    estimatedCost: string;
  };
  expect({ toSubmit, estimatedCost }).toEqual({ toSubmit: 2, estimatedCost: "0.16" });
  expect((await page.request.post(`/api/v1/batches/${id}/confirm`, { headers })).status()).toBe(202);

  // The worker inside the server places them; the sandbox completes them within seconds.
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/batches/${id}`)).json()) as { status: string }).status,
      { timeout: 45_000 },
    )
    .toBe("done");

  // A pasted list at its maximum, 10,000 IMEIs (about 160 KB of URL), reaches the server and finds ours.
  const many = [
    ...IMEIS,
    ...Array.from({ length: 9_998 }, (_, i) => luhnImei(`35999999${String(i).padStart(6, "0")}`)),
  ];
  const search = await page.request.get(`/api/v1/orders?imei=${many.join(",")}&limit=10`);
  expect(search.status()).toBe(200);
  const found = ((await search.json()) as { orders: { imei: string }[] }).orders.map((o) => o.imei);
  expect(found.sort()).toEqual([...IMEIS].sort());

  await page.goto("/orders");
  await page.getByLabel("IMEI list").fill(IMEIS.join(", "));
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/imei=/);
  const rows = page.getByRole("row").filter({ hasText: /3569380356438|4901542032375/ });
  await expect(rows).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("orders.png"), fullPage: true });
  await testInfo.attach("orders history", {
    path: testInfo.outputPath("orders.png"),
    contentType: "image/png",
  });

  await page.getByRole("link", { name: IMEIS[0]! }).click();
  await expect(page.getByRole("heading", { name: `IMEI ${IMEIS[0]}` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(page.getByText(/batch confirmed/)).toBeVisible();

  await page.getByRole("link", { name: "Dashboard" }).click();
  // The order page links its batch by name too: the dashboard's link counts only once it is shown.
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("link", { name: "api-script" })).toBeVisible();

  const csv = await page.request.get(`/api/v1/orders/export.csv?batchId=${id}`);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(
    /^SERVICE,IMEI NO\.,CREDITS,STATUS,CODE,IMEI 2,CARRIER,SIMLOCK,MODEL,FMI,ORDER DATE/,
  );
  expect(lines).toHaveLength(3);
});

test("a filter the app cannot read says so instead of failing", async ({ page }) => {
  await page.goto("/orders?from=not-a-date");
  await expect(page.getByRole("alert").filter({ hasText: "from" })).toBeVisible();
});

test("an IMEI search without digits says so instead of listing every order", async ({ page }) => {
  await page.goto("/orders");
  await page.getByLabel("IMEI list").fill("n/a");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert").filter({ hasText: 'imei: "n/a" has no digits' })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
});

test("Sync now runs at most once every 10 s per person, and the button says when it can run again", async ({
  page,
}) => {
  await page.goto("/orders");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("sync-status")).toContainText(/^Checked \d+/);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("sync-status")).toContainText(/Try again in \d+ s\./);
  await expect(page.getByRole("button", { name: "Wait…" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 15_000 });
});
