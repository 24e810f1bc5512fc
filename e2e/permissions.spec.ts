import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import { E2E_OPERATOR, E2E_OTHER_OPERATOR } from "./credentials";
import { sameOrigin, signedInPage } from "./sign-in";

const appDir = fileURLToPath(new URL("../app/(app)", import.meta.url));

/** Every page of the signed-in app, as its address template: "/", "/orders", "/batches/[id]", … */
function appPages(): string[] {
  return (readdirSync(appDir, { recursive: true }) as string[])
    .filter((file) => path.basename(file) === "page.tsx")
    .map(
      (file) =>
        "/" +
        path
          .dirname(file)
          .split(path.sep)
          .filter((segment) => segment !== "." && !/^\(.*\)$/.test(segment))
          .join("/"),
    )
    .sort();
}

/** This spec's own IMEIs (valid Luhn), so the other specs' orders never collide with them. */
function imeisOf(seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const body = `3577${String(seed).padStart(4, "0")}${String(i).padStart(6, "0")}`;
    return body + luhnCheckDigit(body);
  });
}

/** A confirmed batch of the signed-in operator, placed through the API; its id and one order's. */
async function placeBatch(page: Page, imeis: string[]) {
  const draft = await page.request.post("/api/v1/batches", {
    headers: sameOrigin(),
    data: { serviceId: "1739", imeis, name: "operator-one" },
  });
  expect(draft.status()).toBe(201);
  const { id } = (await draft.json()) as { id: string };
  expect((await page.request.post(`/api/v1/batches/${id}/confirm`, { headers: sameOrigin() })).status()).toBe(
    202,
  );
  const orders = await page.request.get(`/api/v1/orders?batchId=${id}`);
  const { orders: list } = (await orders.json()) as { orders: { id: string }[] };
  expect(list.length).toBe(imeis.length);
  return { batchId: id, orderId: list[0]!.id };
}

test.describe("what an operator may open", () => {
  test("the navigation shows an operator exactly the pages they may open", async ({ browser }) => {
    const page = await signedInPage(browser, E2E_OPERATOR);
    const nav = page.getByRole("navigation", { name: "Main" });
    const shown = await nav
      .getByRole("link")
      .evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname));
    expect(shown).not.toContain("/admin");
    // Each page without an id: in the navigation if and only if it opens for this operator.
    for (const template of appPages().filter((p) => !p.includes("["))) {
      const response = await page.goto(template);
      const opens = (response?.status() ?? 0) < 400;
      expect(shown.includes(template), `${template} answers ${response?.status()}`).toBe(opens);
    }
    await page.context().close();
  });

  test("another operator's batch and order pages are 404 pages, and their orders are in no list", async ({
    browser,
  }, testInfo) => {
    const owner = await signedInPage(browser, E2E_OPERATOR);
    const imeis = imeisOf(1, 2);
    const owned = await placeBatch(owner, imeis);
    const idOf: Record<string, string> = { batches: owned.batchId, orders: owned.orderId };
    expect((await owner.goto(`/batches/${owned.batchId}`))?.status()).toBe(200);

    const other = await signedInPage(browser, E2E_OTHER_OPERATOR);
    const nav = other.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    // Every page with an id: the owner's object answers the 404 page, inside the shell.
    const withId = appPages().filter((p) => p.includes("[id]"));
    expect(withId.length).toBeGreaterThanOrEqual(2);
    for (const template of withId) {
      const kind = template.split("/")[1]!;
      expect(idOf[kind], `an id of the owner's for ${template}`).toBeDefined();
      const response = await other.goto(template.replace("[id]", idOf[kind]!));
      expect(response?.status(), template).toBe(404);
      await expect(other.getByRole("heading", { name: "Not found" })).toBeVisible();
      await expect(nav).toBeVisible();
    }
    await other.screenshot({ path: testInfo.outputPath("other-operators-batch.png"), fullPage: true });

    await other.goto(`/orders?imei=${imeis.join(",")}`);
    await expect(other.getByText("No orders match")).toBeVisible();
    await other.goto("/");
    await expect(other.getByRole("link", { name: "operator-one" })).toHaveCount(0);
    const sse = await other.request.get(`/api/v1/batches/${owned.batchId}/events`);
    expect(sse.status()).toBe(404);

    await owner.context().close();
    await other.context().close();
  });

  test("with 'operators see every order' on, another's batch can be followed but not changed", async ({
    page,
    browser,
  }) => {
    const owner = await signedInPage(browser, E2E_OPERATOR);
    const owned = await placeBatch(owner, imeisOf(2, 2));
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
      expect((await other.goto(`/batches/${owned.batchId}`))?.status()).toBe(200);
      await expect(other.getByText("Another operator's batch")).toBeVisible();
      await expect(other.getByTestId("progress-summary")).toBeVisible();
      await expect(other.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
      const cancel = await other.request.post(`/api/v1/batches/${owned.batchId}/cancel`, {
        headers: sameOrigin(),
      });
      expect(cancel.status()).toBe(403);
      expect(await cancel.json()).toMatchObject({
        error: { code: "forbidden", message: expect.stringMatching(/only its owner or an admin/) },
      });
      await page.goto("/admin");
      await expect(page.getByRole("cell", { name: "settings.update" }).first()).toBeVisible();
    } finally {
      await save(false);
    }
    expect((await other.goto(`/batches/${owned.batchId}`))?.status()).toBe(404);
    await owner.context().close();
    await other.context().close();
  });
});
