/**
 * Fair scheduling (lib/orders/README.md): claims rotate across operators and batches in small groups, so
 * a small batch confirmed during a big one is served within a few claim rounds, and two operators'
 * batches confirmed together are served alternately. Judged from the sandbox's ledger: the order in which
 * the upstream actually received the orders.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppUser } from "@/lib/auth/users";
import { cancelBatch } from "@/lib/batches/cancel";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { describeEachDb } from "@/lib/test/db";
import {
  makeImeis,
  waitFor,
  type EngineFixture,
  createEngineFixture,
  insertUser,
} from "@/lib/test/engine-fixtures";
import { captureLogs, countInFlight } from "@/lib/test/order-invariants";
import { SubmissionWorker } from "./worker";

const CONCURRENCY = 4;

describeEachDb("fair scheduling", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let second: AppUser;

  const newWorker = () =>
    new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: CONCURRENCY,
      idlePollMs: 10,
      firstCheckMs: () => 60_000,
    });

  beforeAll(async () => {
    logs = captureLogs();
    // ~50 ms a placeorder: about 80 orders a second at concurrency 4.
    f = await createEngineFixture(provider, {
      sandbox: { faults: { seed: 2, latencyMs: { placeorder: 50 } } },
    });
    second = await insertUser(f.db, "second-op@test.local", "operator");
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("a 10-IMEI batch confirmed while a 1,000-IMEI batch runs is placed within a few claim rounds", async () => {
    const bigImeis = new Set(makeImeis(1_000, 401));
    const big = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [...bigImeis] });
    await confirmBatch(f.db, f.operator, big.id);
    const worker = newWorker();
    worker.start();
    try {
      await waitFor(async () => f.sandbox.state.charges.length >= 40, 20_000, "the big batch under way");

      // The same operator's second batch: rotation is per batch too, not only per operator.
      const smallImeis = new Set(makeImeis(10, 402));
      const small = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [...smallImeis] });
      const confirmedAt = Date.now();
      await confirmBatch(f.db, f.operator, small.id);
      worker.nudge(); // as POST /confirm does
      const bigBefore = f.sandbox.state.charges.filter((c) => bigImeis.has(c.imei)).length;

      await waitFor(
        async () => f.sandbox.state.charges.some((c) => smallImeis.has(c.imei)),
        5_000,
        "the small batch's first order",
      );
      const firstSmallMs = Date.now() - confirmedAt;
      await waitFor(
        async () => f.sandbox.state.charges.filter((c) => smallImeis.has(c.imei)).length === 10,
        10_000,
        "the small batch placed",
      );
      const bigDuring = f.sandbox.state.charges.filter((c) => bigImeis.has(c.imei)).length - bigBefore;

      expect(firstSmallMs).toBeLessThan(2_000);
      // Alternating groups of ≤ 4: about as many big orders as small ones went out meanwhile, far from 200.
      expect(bigDuring).toBeLessThan(40);
      expect(bigDuring).toBeGreaterThan(0); // the big batch was not starved either
      expect(f.sandbox.state.charges.filter((c) => bigImeis.has(c.imei)).length).toBeLessThan(bigImeis.size);
    } finally {
      await worker.stop();
    }
    await cancelBatch(f.db, f.operator, big.id);
  });

  it("two operators' batches confirmed at once are served alternately", async () => {
    const firstImeis = new Set(makeImeis(40, 403));
    const secondImeis = new Set(makeImeis(40, 404));
    const a = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [...firstImeis] });
    const b = await createDraft(f.db, second, { serviceId: "1739", imeis: [...secondImeis] });
    await Promise.all([confirmBatch(f.db, f.operator, a.id), confirmBatch(f.db, second, b.id)]);
    const startAt = f.sandbox.state.charges.length;
    const worker = newWorker();
    worker.start();
    try {
      await waitFor(
        async () => (await countInFlight(f.db, [a.id, b.id])) === 0,
        20_000,
        "both batches placed",
      );
    } finally {
      await worker.stop();
    }

    const sequence = f.sandbox.state.charges
      .slice(startAt)
      .map((c) => (firstImeis.has(c.imei) ? "A" : secondImeis.has(c.imei) ? "B" : "?"));
    expect(sequence).toHaveLength(80);
    expect(sequence).not.toContain("?");
    const describe = sequence.join("");
    // Neither waits for the other's whole batch: both start within the first two claim groups …
    expect(sequence.indexOf("A"), describe).toBeLessThan(2 * CONCURRENCY);
    expect(sequence.indexOf("B"), describe).toBeLessThan(2 * CONCURRENCY);
    // … no run of one operator is longer than two groups, and halfway through each has had about half.
    const longestRun = Math.max(...describe.split(/(?<=A)(?=B)|(?<=B)(?=A)/).map((run) => run.length));
    expect(longestRun, describe).toBeLessThanOrEqual(2 * CONCURRENCY);
    const firstHalf = sequence.slice(0, 40);
    expect(firstHalf.filter((s) => s === "A").length, describe).toBeGreaterThanOrEqual(15);
    expect(firstHalf.filter((s) => s === "B").length, describe).toBeGreaterThanOrEqual(15);
    expect(logs.errors()).toEqual([]);
  });

  it("a batch with a higher priority is served before others, and an operator cannot take the top", async () => {
    const normal = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(40, 431) });
    const urgentImeis = new Set(makeImeis(16, 432));
    const urgent = await createDraft(f.db, second, {
      serviceId: "1739",
      imeis: [...urgentImeis],
      priority: 5,
    });
    await expect(
      createDraft(f.db, second, { serviceId: "1739", imeis: makeImeis(2, 433), priority: 9 }),
    ).rejects.toMatchObject({ code: "validation_failed" });
    await confirmBatch(f.db, f.operator, normal.id);
    await confirmBatch(f.db, second, urgent.id);
    const startAt = f.sandbox.state.charges.length;
    const worker = newWorker();
    worker.start();
    try {
      await waitFor(
        async () => (await countInFlight(f.db, [normal.id, urgent.id])) === 0,
        20_000,
        "both placed",
      );
    } finally {
      await worker.stop();
    }
    const sequence = f.sandbox.state.charges.slice(startAt).map((c) => (urgentImeis.has(c.imei) ? "U" : "n"));
    // All 16 urgent orders reach the upstream before the normal batch gets more than a claim group in.
    expect(sequence.lastIndexOf("U"), sequence.join("")).toBeLessThan(16 + 2 * CONCURRENCY);
  });
});
