/**
 * The SQLite hazard of lib/db/README.md, reproduced, and the proof that db.write()/db.transaction() avoid it:
 * Prisma's better-sqlite3 adapter shares one connection per process, so a write made while an
 * interactive transaction is open lands inside it and is lost when that transaction rolls back.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";

let seq = 0;
const userData = (tag: string) => ({
  email: `${tag}-${++seq}@hazard.test`,
  name: tag,
  passwordHash: "unused",
  role: "operator",
});

function signal() {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire: () => fire() };
}

/** Records the order in which promises settle, to tell "acknowledged while open" from "waited". */
function settleOrder() {
  const order: string[] = [];
  const track = <T>(name: string, promise: Promise<T>) =>
    promise.then(
      (value) => (order.push(name), value),
      (error: unknown) => {
        order.push(name);
        throw error;
      },
    );
  return { order, track };
}

describe("SQLite: a write during a raw interactive transaction", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb("sqlite");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("is acknowledged, then lost when the transaction rolls back (the hazard)", async () => {
    const { order, track } = settleOrder();
    const opened = signal();
    const bystanderDone = signal();
    const rolledBack = track(
      "transaction",
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: userData("in-tx") });
        opened.fire();
        // Stay open until the other write is acknowledged (or give up: then the hazard is gone).
        await Promise.race([bystanderDone.promise, sleep(3000)]);
        throw new Error("rollback");
      }),
    );
    await opened.promise;
    const acknowledged = await track("write", db.prisma.user.create({ data: userData("bystander") }));
    bystanderDone.fire();
    expect(order).toEqual(["write"]); // acknowledged while the transaction was still open
    await expect(rolledBack).rejects.toThrow("rollback");

    expect(await db.prisma.user.findUnique({ where: { id: acknowledged.id } })).toBeNull();
    expect(await db.prisma.user.count()).toBe(0);
  });
});

describeEachDb("db.transaction and db.write", (provider) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(provider);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("keep a concurrent acknowledged write when the transaction rolls back", async () => {
    const { order, track } = settleOrder();
    const opened = signal();
    const bystanderDone = signal();
    const rolledBack = track(
      "transaction",
      db.transaction(async (tx) => {
        const row = await tx.user.create({ data: userData("in-tx") });
        opened.fire();
        // On SQLite the write cannot finish while this is open, so a short wait is enough to have it queued.
        await Promise.race([bystanderDone.promise, sleep(provider === "sqlite" ? 50 : 3000)]);
        throw new Error(`rollback ${row.id}`);
      }),
    );
    await opened.promise;
    const written = track(
      "write",
      db.write((prisma) => prisma.user.create({ data: userData("bystander") })),
    );
    void written.then(bystanderDone.fire, () => undefined);
    await expect(rolledBack).rejects.toThrow("rollback");
    const acknowledged = await written;

    if (provider === "sqlite") {
      // One connection: the write waits for the transaction instead of joining it.
      expect(order).toEqual(["transaction", "write"]);
    } else {
      // A pool: the write commits on its own connection while the transaction is still open.
      expect(order).toEqual(["write", "transaction"]);
    }
    const users = await db.prisma.user.findMany({ select: { id: true, name: true } });
    expect(users).toEqual([{ id: acknowledged.id, name: "bystander" }]);
  });

  it("commit a transaction and concurrent writes together", async () => {
    const before = await db.prisma.user.count();
    const results = await Promise.all([
      db.transaction(async (tx) => {
        await tx.user.create({ data: userData("tx-a") });
        await sleep(20);
        return tx.user.create({ data: userData("tx-b") });
      }),
      ...Array.from({ length: 5 }, (_, i) =>
        db.write((prisma) => prisma.user.create({ data: userData(`w${i}`) })),
      ),
    ]);
    expect(results).toHaveLength(6);
    expect(await db.prisma.user.count()).toBe(before + 7);
  });
});
