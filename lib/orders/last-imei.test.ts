/**
 * The live site keeps only the LAST IMEI of a comma list (lib/gsmfusion/README.md), and the sandbox does the
 * same by default. The engine never sends a list, and the client refuses one before any network call, so
 * this quirk cannot lose an order.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { InvalidUpstreamInputError } from "@/lib/gsmfusion/errors";
import { describeEachDb } from "@/lib/test/db";
import { makeImeis, waitFor, type EngineFixture, createEngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs, checkLedger, countInFlight } from "@/lib/test/order-invariants";
import { SubmissionWorker } from "./worker";

describeEachDb("the last-IMEI-only upstream", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, { sandbox: { multiImeiMode: "last_only" } });
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("the client refuses a comma list without a network call", async () => {
    const [a, b] = makeImeis(2, 90);
    const callsBefore = f.sandbox.state.stats.calls.placeorder ?? 0;
    for (const imei of ["a,b", `${a},${b}`, `${a}, ${b}`, `${a} ${b}`]) {
      await expect(f.client.placeOrder({ serviceId: "1739", imei })).rejects.toBeInstanceOf(
        InvalidUpstreamInputError,
      );
    }
    expect(f.sandbox.state.stats.calls.placeorder ?? 0).toBe(callsBefore);
    expect(f.sandbox.state.charges).toHaveLength(0);
  });

  it("over a 100-order batch every call carries exactly one IMEI, and every order gets its own upstream order", async () => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    // Watch what goes on the wire (the client posts a URLSearchParams form).
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const body = init?.body;
      if (body instanceof URLSearchParams && body.get("action") === "placeorder")
        sent.push(body.get("imei") ?? "");
      return realFetch(input, init);
    });

    const imeis = makeImeis(100, 91);
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis });
    await confirmBatch(f.db, f.operator, draft.id);
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 8,
      idlePollMs: 10,
      firstCheckMs: () => 60_000,
    });
    worker.start();
    try {
      await waitFor(async () => (await countInFlight(f.db, [draft.id])) === 0, 30_000, "every order placed");
    } finally {
      await worker.stop();
    }

    expect(sent).toHaveLength(100);
    expect(sent.every((imei) => /^\d{15}$/.test(imei))).toBe(true);
    expect(new Set(sent)).toEqual(new Set(imeis));
    const calls = f.sandbox.state.stats.calls.placeorder ?? 0;
    expect(calls).toBe(100);
    expect(f.sandbox.state.charges).toHaveLength(calls);

    const report = await checkLedger(f.db, f.sandbox, { serviceId: "1739", batchIds: [draft.id] });
    expect(report.violations).toEqual([]);
    expect(report.counts).toEqual({ submitted: 100 });
    expect(logs.errors()).toEqual([]);
  });
});
