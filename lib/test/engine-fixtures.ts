/**
 * Shared setup for order-engine tests: a migrated database, the sandbox upstream over real HTTP, a
 * client pointed at it, the catalogue loaded, and users.
 */
import type { AppUser } from "@/lib/auth/users";
import type { Db, Provider } from "@/lib/db";
import { GsmFusionClient, type GsmFusionConfig } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { startSandbox, type SandboxHandle, type SandboxOptions } from "@/lib/gsmfusion/sandbox/server";
import { luhnCheckDigit } from "@/lib/imei";
import { claimQueuedOrders, expireSubmittingLeases, markSubmitting } from "@/lib/orders/transitions";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { createTestDb, type TestDb } from "./db";

/** `count` distinct valid IMEIs (15 digits, Luhn), deterministic for a seed. */
export function makeImeis(count: number, seed = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const body = `35${String(seed % 1000).padStart(3, "0")}${String(i).padStart(9, "0")}`;
    out.push(body + luhnCheckDigit(body));
  }
  return out;
}

/** A user row without a usable password: engine tests need owners, not logins (and bcrypt is slow). */
export async function insertUser(db: Db, email: string, role: "admin" | "operator"): Promise<AppUser> {
  const row = await db.write((prisma) =>
    prisma.user.create({ data: { email, name: email.split("@")[0]!, passwordHash: "not-a-login", role } }),
  );
  return { id: row.id, email: row.email, name: row.name, role };
}

/**
 * A Batch row of `size` orders at `unitPriceMicros` (default $0.08), for tests that insert its orders
 * themselves (createMany) in the states they need.
 */
export async function insertBatchRow(
  db: Db,
  input: { ownerId: string; serviceId: string; state: string; size: number; unitPriceMicros?: bigint },
) {
  const unitPriceMicros = input.unitPriceMicros ?? 80_000n;
  return db.write((prisma) =>
    prisma.batch.create({
      data: {
        ownerId: input.ownerId,
        serviceId: input.serviceId,
        sourceName: "inserted by a test",
        state: input.state,
        totalLines: input.size,
        toSubmit: input.size,
        invalidCount: 0,
        duplicatesInBatch: 0,
        alreadyOrderedCount: 0,
        unitPriceMicros,
        estimatedCostMicros: unitPriceMicros * BigInt(input.size),
      },
    }),
  );
}

export type EngineFixture = {
  db: TestDb;
  sandbox: SandboxHandle;
  client: GsmFusionClient;
  admin: AppUser;
  operator: AppUser;
  close(): Promise<void>;
};

/** The sandbox upstream on a free port (answers final at once), and a client for it that has made no call yet. */
export async function startSandboxUpstream(
  options: { sandbox?: SandboxOptions; client?: Partial<GsmFusionConfig> } = {},
): Promise<{ sandbox: SandboxHandle; client: GsmFusionClient }> {
  const sandbox = await startSandbox({
    port: 0,
    timing: { inProcessAfterMs: 0, finalAfterMs: 0 },
    ...options.sandbox,
  });
  const client = new GsmFusionClient({
    baseUrl: sandbox.url,
    username: SANDBOX_DEFAULTS.username,
    apiKey: SANDBOX_DEFAULTS.apiKey,
    readRetries: 0,
    ...options.client,
  });
  return { sandbox, client };
}

export async function createEngineFixture(
  provider: Provider,
  options: { sandbox?: SandboxOptions; client?: Partial<GsmFusionConfig> } = {},
): Promise<EngineFixture> {
  const db = await createTestDb(provider);
  const { sandbox, client } = await startSandboxUpstream(options);
  await refreshCatalogue(db, client);
  const admin = await insertUser(db, "admin@test.local", "admin");
  const operator = await insertUser(db, "op@test.local", "operator");
  return {
    db,
    sandbox,
    client,
    admin,
    operator,
    async close() {
      await sandbox.close();
      await db.drop();
    },
  };
}

/** Polls until `check` returns true, or fails after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Makes one queued order of the batch `uncertain` as a worker that died mid-call leaves it: claimed, marked
 * submitting, its lease swept. Returns the order's id.
 */
export async function makeOneOrderUncertain(db: Db, batchId: string): Promise<string> {
  const [claimed] = await claimQueuedOrders(db, { workerId: "test", batchId, limit: 1, leaseMs: 1_000 });
  if (!claimed) throw new Error(`batch ${batchId} has no queued order`);
  await markSubmitting(db, { orderId: claimed.id, workerId: "test", leaseMs: 1 });
  const swept = await expireSubmittingLeases(db, new Date(Date.now() + 60_000));
  if (swept.length !== 1) throw new Error(`expected one expired lease, swept ${swept.length}`);
  return claimed.id;
}
