// npx tsx --conditions=react-server scripts/bench-history.ts [--orders 200000] [--db sqlite|postgres]
// Fills a database with N finished orders (5 operators, 4 services, results with a carrier, SIM lock, FMI
// and model), then times the history's reads (each filter and search, the count, a page deep in, the
// page's choices) and prints each query plan's first line. Prints figures; it is not a test.
import { actingScopeOf } from "@/lib/auth/permissions";
import { openDb } from "@/lib/db";
import { Prisma } from "@/lib/generated/sqlite/client";
import { luhnCheckDigit } from "@/lib/imei";
import { listHistoryChoices } from "@/lib/orders/history-choices";
import { listOrders } from "@/lib/orders/queries";
import { orderFilterSchema } from "@/lib/orders/schemas";
import { benchDatabase } from "./bench-db";
import { parseFlags } from "./cli";

const flags = parseFlags(process.argv.slice(2), ["orders", "db"]);
const N = Number(flags.orders ?? 200_000);
const KIND = flags.db ?? "sqlite";
const CARRIERS = ["AT&T USA", "T-Mobile USA", "Verizon USA", "Unlocked", "Sprint USA", "Vodafone UK"];
const MODELS = Array.from({ length: 40 }, (_, i) => `iPhone ${10 + (i % 8)} Model ${i}`);

const t = await benchDatabase(KIND, "history");
const db = await openDb(t.url);
try {
  const users = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      db.prisma.user.create({
        data: { email: `op${i}@bench.test`, name: `Op ${i}`, passwordHash: "x", role: "operator" },
      }),
    ),
  );
  const services = ["1739", "1740", "1744", "2001"];
  for (const id of services)
    await db.prisma.service.create({
      data: {
        id,
        title: `Service ${id}`,
        category: "c",
        priceMicros: 80_000n,
        deliveryTime: "Instant",
        refreshedAt: new Date(),
      },
    });
  const batches = await Promise.all(
    users.map((u, i) =>
      db.prisma.batch.create({
        data: {
          ownerId: u.id,
          serviceId: services[i % 4]!,
          sourceName: "bench",
          state: "done",
          totalLines: N,
          toSubmit: N,
          invalidCount: 0,
          duplicatesInBatch: 0,
          alreadyOrderedCount: 0,
          unitPriceMicros: 80_000n,
          estimatedCostMicros: 0n,
        },
      }),
    ),
  );
  const start = Date.UTC(2026, 0, 1);
  const loadStarted = performance.now();
  const CHUNK = 5_000;
  for (let i = 0; i < N; i += CHUNK) {
    const data = Array.from({ length: Math.min(CHUNK, N - i) }, (_, k) => {
      const n = i + k;
      const body = `35${String((n * 7_919) % 1e12).padStart(12, "0")}`;
      const carrier = CARRIERS[n % CARRIERS.length]!;
      const simLock = carrier === "Unlocked" ? "Unlocked" : "Locked";
      const fmi = n % 3 === 0 ? "ON" : "OFF";
      const model = MODELS[n % MODELS.length]!;
      const owner = n % users.length;
      return {
        batchId: batches[owner]!.id,
        serviceId: services[n % 4]!,
        ownerId: users[owner]!.id,
        imei: body + luhnCheckDigit(body),
        line: n + 1,
        state: n % 50 === 0 ? "rejected" : "completed",
        priceMicros: 80_000n,
        upstreamStatus: "completed",
        overdue: n % 97 === 0,
        result: JSON.stringify({
          carrier,
          simLock,
          fmi,
          model,
          raw: "",
          text: "",
          fields: {},
          unknownLabels: [],
        }),
        carrier,
        simLock,
        fmi,
        model,
        carrierKey: carrier.toLowerCase(),
        simLockKey: simLock.toLowerCase(),
        fmiKey: fmi.toLowerCase(),
        modelKey: model.toLowerCase(),
        createdAt: new Date(start + n * 60_000),
        placedAt: new Date(start + n * 60_000),
      };
    });
    await db.write((p) => p.order.createMany({ data }));
  }
  if (db.provider === "postgresql") await db.prisma.$executeRawUnsafe(`ANALYZE "Order"`);
  else await db.prisma.$executeRawUnsafe(`ANALYZE`);
  console.log(
    `${N.toLocaleString("en-US")} orders on ${db.provider} loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
  );

  const admin = { ownerId: undefined } as unknown as ReturnType<typeof actingScopeOf>;
  const operator = actingScopeOf({ id: users[0]!.id, email: "", name: "", role: "operator" });
  const someImei = (n: number) => {
    const body = `35${String((n * 7_919) % 1e12).padStart(12, "0")}`;
    return body + luhnCheckDigit(body);
  };
  const pasted = [
    ...Array.from({ length: 9_000 }, (_, i) => someImei(i * 13)),
    ...Array.from({ length: 1_000 }, (_, i) => `99${String(i).padStart(13, "0")}`),
  ];
  const cases: [string, Record<string, string>, "admin" | "operator"][] = [
    ["no filter, newest (admin)", {}, "admin"],
    ["no filter, newest (operator)", {}, "operator"],
    [
      "AT&T + Locked + one week",
      { carrier: "at&t usa", simLock: "locked", from: "2026-03-02", to: "2026-03-08" },
      "admin",
    ],
    ["carrier only", { carrier: "verizon usa" }, "admin"],
    ["model (rare)", { model: "iphone 12 model 4" }, "admin"],
    ["fmi + operator scope", { fmi: "on" }, "operator"],
    ["state rejected", { state: "rejected" }, "admin"],
    ["overdue", { overdue: "true" }, "admin"],
    ["service + month", { serviceId: "1744", from: "2026-02-01", to: "2026-02-28" }, "admin"],
    ["q 4 digits", { q: "4242" }, "admin"],
    ["q 8 digits", { q: "00791900" }, "admin"],
    ["q full IMEI", { q: someImei(12_345) }, "admin"],
    ["q 6 digits (operator)", { q: "123456" }, "operator"],
    ["imei list 10,000 (1,000 unknown)", { imei: pasted.join(",") }, "admin"],
    ["sort imei", { sort: "imei" }, "admin"],
  ];
  const time = async (label: string, fn: () => Promise<unknown>) => {
    await fn();
    const runs: number[] = [];
    for (let r = 0; r < 3; r += 1) {
      const s = performance.now();
      await fn();
      runs.push(performance.now() - s);
    }
    runs.sort((a, b) => a - b);
    return runs[1]!;
  };
  for (const [label, raw, who] of cases) {
    const filter = orderFilterSchema.parse({ limit: "100", ...raw });
    const scope = who === "admin" ? admin : operator;
    const ms = await time(label, () => listOrders(db, filter, scope));
    const page = await listOrders(db, filter, scope);
    console.log(
      `${label.padEnd(36)} ${ms.toFixed(1).padStart(8)} ms  total ${page.total.toLocaleString("en-US").padStart(8)}${page.notFound ? `  notFound ${page.notFound.length}` : ""}`,
    );
  }
  const deep = orderFilterSchema.parse({ limit: "100" });
  let cursor: string | undefined;
  for (let p = 0; p < 50; p += 1)
    cursor = (await listOrders(db, { ...deep, cursor }, admin)).nextCursor ?? undefined;
  console.log(
    `page 51 via cursor ${(await time("deep", () => listOrders(db, { ...deep, cursor }, admin))).toFixed(1).padStart(8)} ms`,
  );
  console.log(
    `page choices (services, result values, operators) ${(await time("choices", () => listHistoryChoices(db, admin))).toFixed(1)} ms`,
  );

  // The plans of the substring search's two parts, for the README.
  const explain = db.provider === "sqlite" ? "EXPLAIN QUERY PLAN" : "EXPLAIN";
  for (const sql of [
    `SELECT "id" FROM "Order" WHERE "state" <> 'draft' AND "imei" LIKE '%4242%' ORDER BY "createdAt" DESC, "id" DESC LIMIT 101`,
    `SELECT COUNT(*) FROM "Order" WHERE "state" <> 'draft' AND "imei" LIKE '%4242%'`,
    `SELECT "id" FROM "Order" WHERE "state" <> 'draft' AND "carrierKey" = 'at&t usa' AND "simLockKey" = 'locked' AND "createdAt" >= '2026-03-02' ORDER BY "createdAt" DESC, "id" DESC LIMIT 101`,
  ]) {
    const plan = await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.raw(`${explain} ${sql}`));
    console.log(`\n${sql}\n  ${plan.map((r) => String(r.detail ?? r["QUERY PLAN"])).join("\n  ")}`);
  }
} finally {
  await db.close();
  await t.drop();
}
