// npm run bench — places 20,000 orders against the sandbox (in its own process) with 200 ms latency
// per call and concurrency 32, and prints how close the engine gets to the ideal. Prints figures; it is
// not a test. Options: --orders N --latency MS --concurrency N --db sqlite|postgres
// --drop RATE (e.g. 0.03): that share of placeorder answers is dropped after the charge; the run then
// measures the settlement: orders still uncertain after it, its time after the batch, getimeis calls spent.
// --part submission|results|all (default all): `results` measures only the results file (CSV and XLSX)
// of a 20,000-line batch (scripts/bench-results.ts).
import { spawn } from "node:child_process";
import { createUser, type AppUser } from "@/lib/auth/users";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { openDb, type Db } from "@/lib/db";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { luhnCheckDigit } from "@/lib/imei";
import { Settlement } from "@/lib/orders/settle";
import { SubmissionWorker } from "@/lib/orders/worker";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { benchResults } from "./bench-results";
import { benchDatabase } from "./bench-db";
import { parseFlags } from "./cli";

const flags = parseFlags(process.argv.slice(2), ["orders", "latency", "concurrency", "db", "drop", "part"]);
const PART = flags.part ?? "all";
if (!["all", "submission", "results"].includes(PART))
  throw new Error("--part must be submission, results or all");
const N = Number(flags.orders ?? 20_000);
const LATENCY_MS = Number(flags.latency ?? 200);
const CONCURRENCY = Number(flags.concurrency ?? 32);
const DB_KIND = flags.db ?? "sqlite";
const DROP_RATE = Number(flags.drop ?? 0);
// The settlement's wait after a lost answer; 60 s live, short here so the run measures the scanning.
const SETTLE_MARGIN_MS = 1_000;
const SETTLE_TIMEOUT_MS = 10 * 60_000;
const LIVE_LATENCY_S = 15;
const SANDBOX_PORT = 4900 + Math.floor(Math.random() * 90);

function imeis(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const body = `35${String(i).padStart(12, "0")}`;
    return body + luhnCheckDigit(body);
  });
}

async function startSandboxProcess(): Promise<() => void> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/sandbox.ts"],
    {
      env: { ...process.env, SANDBOX_PORT: String(SANDBOX_PORT), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    child.on("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return () => child.kill("SIGTERM");
}

async function setFaults(faults: object): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/__sandbox/faults`, {
    method: "POST",
    body: JSON.stringify(faults),
    headers: { "content-type": "application/json" },
  });
  if (!res.ok) throw new Error(`setting sandbox faults failed: ${res.status}`);
}

/**
 * The floor the sandbox and loopback HTTP set: plain fetch() placeorder calls at the same concurrency and
 * latency, no client, no database. The engine's own overhead is what the run adds on top of this.
 */
async function measureTransportFloor(): Promise<number> {
  let next = 0;
  let total = 0;
  const perLane = 10;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < perLane; i += 1) {
        const body = `86${String((next += 1)).padStart(12, "0")}`;
        const started = performance.now();
        const res = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/gsmfusion_api/index.php`, {
          method: "POST",
          body: new URLSearchParams({
            apiKey: SANDBOX_DEFAULTS.apiKey,
            userId: SANDBOX_DEFAULTS.username,
            action: "placeorder",
            networkId: "1739",
            imei: body + luhnCheckDigit(body),
          }),
        });
        await res.text();
        // The first call of each lane opens its connection; the engine's run reuses warm ones.
        if (i > 0) total += performance.now() - started;
      }
    }),
  );
  return total / (CONCURRENCY * (perLane - 1));
}

async function getimeisCalls(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/__sandbox/stats`);
  const stats = (await res.json()) as { calls: Record<string, number> };
  return stats.calls.getimeis ?? 0;
}

/** Orders the machine still has work on: queued, submitting, or uncertain without a note for a person. */
async function countUnsettled(db: Db, batchId: string): Promise<number> {
  return db.prisma.order.count({
    where: {
      batchId,
      OR: [{ state: { in: ["queued", "submitting"] } }, { state: "uncertain", settleNote: null }],
    },
  });
}

/** Runs the settlement until nothing is left for it, with the worker placing what it queues again. */
async function measureSettlement(db: Db, client: GsmFusionClient, worker: SubmissionWorker, batchId: string) {
  const uncertainAfterBatch = await db.prisma.order.count({ where: { batchId, state: "uncertain" } });
  const callsBefore = await getimeisCalls();
  const settlement = new Settlement(db, client, { intervalMs: 250 });
  const t = performance.now();
  settlement.start();
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while ((await countUnsettled(db, batchId)) > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  const settleS = (performance.now() - t) / 1000;
  await settlement.stop();
  const left = await db.prisma.order.findMany({
    where: { batchId, state: "uncertain" },
    select: { settleNote: true },
  });
  return {
    uncertainAfterBatch,
    settleS,
    calls: (await getimeisCalls()) - callsBefore,
    totals: settlement.totals,
    left,
  };
}

async function countPlaced(db: Db, batchId: string): Promise<number> {
  return db.prisma.order.count({ where: { batchId, state: { notIn: ["queued", "submitting"] } } });
}

async function benchSubmission(db: Db, client: GsmFusionClient, user: AppUser): Promise<string[][]> {
  await setFaults({ latencyMs: { placeorder: LATENCY_MS } });
  const floorCallMs = await measureTransportFloor();
  if (DROP_RATE > 0)
    await setFaults({ seed: 7, latencyMs: { placeorder: LATENCY_MS }, dropAfterCharge: DROP_RATE });

  let t = performance.now();
  const draft = await createDraft(db, user, { serviceId: "1739", imeis: imeis(N) });
  const draftMs = performance.now() - t;
  const worker = new SubmissionWorker({
    db,
    upstream: client,
    concurrency: CONCURRENCY,
    settleMarginMs: SETTLE_MARGIN_MS,
  });
  worker.start();
  await new Promise((r) => setTimeout(r, 300)); // the worker is idle and polling, as in the app

  const writesBefore = db.stats.writes + db.stats.transactions;
  const cpuBefore = process.cpuUsage();
  t = performance.now();
  const confirmedAt = Date.now();
  await confirmBatch(db, user, draft.id);
  const confirmMs = performance.now() - t;
  worker.nudge();
  while ((await countPlaced(db, draft.id)) < N) await new Promise((r) => setTimeout(r, 500));
  const wallS = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const writes = db.stats.writes + db.stats.transactions - writesBefore;
  const settled = DROP_RATE > 0 ? await measureSettlement(db, client, worker, draft.id) : null;
  await worker.stop();

  const idealS = (N * LATENCY_MS) / 1000 / CONCURRENCY;
  const ratio = wallS / idealS;
  const liveConcurrency = Math.ceil(((N * LIVE_LATENCY_S) / 3600) * ratio);
  const rows = [
    ["orders", N.toLocaleString("en-US")],
    ["latency per call", `${LATENCY_MS} ms`],
    ["concurrency", String(CONCURRENCY)],
    ["draft (validate + price + insert)", `${(draftMs / 1000).toFixed(2)} s`],
    ["confirm (queue all)", `${(confirmMs / 1000).toFixed(2)} s`],
    ["wall time, confirm → all placed", `${wallS.toFixed(1)} s`],
    ["ideal (N × latency ÷ concurrency)", `${idealS.toFixed(1)} s`],
    ["ratio to ideal (target ≤ 1.05)", ratio.toFixed(3)],
    [
      "transport floor: plain HTTP call to the sandbox",
      `${floorCallMs.toFixed(1)} ms (ratio ${(floorCallMs / LATENCY_MS).toFixed(3)})`,
    ],
    ["engine overhead over the floor", `${((ratio / (floorCallMs / LATENCY_MS) - 1) * 100).toFixed(1)} %`],
    [
      "mean placeorder call as the app saw it",
      `${(worker.stats.callMs / Math.max(1, worker.stats.calls)).toFixed(0)} ms`,
    ],
    ["orders per second", (N / wallS).toFixed(1)],
    ["app CPU per order", `${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms`],
    ["DB write calls per order", (writes / N).toFixed(2)],
    [
      "confirm → first upstream call (target ≤ 2 s)",
      `${((worker.stats.firstCallAt - confirmedAt) / 1000).toFixed(2)} s`,
    ],
    [
      "placed / duplicate / failed / uncertain",
      `${worker.stats.placed} / ${worker.stats.duplicate} / ${worker.stats.failed} / ${worker.stats.uncertain}`,
    ],
    [
      `projection at ${LIVE_LATENCY_S} s per call`,
      `concurrency ${liveConcurrency} places ${N.toLocaleString("en-US")} in one hour`,
    ],
  ];
  if (settled) {
    const notes = new Map<string, number>();
    for (const o of settled.left)
      notes.set(o.settleNote ?? "(none)", (notes.get(o.settleNote ?? "(none)") ?? 0) + 1);
    rows.push(
      ["dropped answers (after the charge)", `${(DROP_RATE * 100).toFixed(1)} %`],
      ["uncertain when the batch was placed", String(settled.uncertainAfterBatch)],
      ["uncertain after settlement (target 0)", String(settled.left.length)],
      ["settlement time after the batch", `${settled.settleS.toFixed(1)} s`],
      ["getimeis calls spent by settlement", String(settled.calls)],
      [
        "settlement linked / requeued / noted",
        `${settled.totals.linked} / ${settled.totals.requeued} / ${settled.totals.noted}`,
      ],
      ...[...notes].map(([note, n]): [string, string] => [`  left: ${n}`, note]),
    );
  }
  return rows;
}

const stopSandbox = await startSandboxProcess();
const target = await benchDatabase(DB_KIND, "bench");
const db = await openDb(target.url);
try {
  const client = new GsmFusionClient({
    baseUrl: `http://127.0.0.1:${SANDBOX_PORT}`,
    username: SANDBOX_DEFAULTS.username,
    apiKey: SANDBOX_DEFAULTS.apiKey,
    maxConcurrent: CONCURRENCY * 2,
  });
  await refreshCatalogue(db, client);
  const user = await createUser(db, {
    email: "bench@imei-desk.local",
    password: "bench-password",
    role: "operator",
  });
  const rows: string[][] = [["database", DB_KIND]];
  if (PART !== "results") rows.push(...(await benchSubmission(db, client, user)));
  if (PART !== "submission") rows.push(...(await benchResults(db, user)));
  const width = Math.max(...rows.map((r) => r[0]!.length));
  console.log(`\nIMEI Desk benchmark (${PART === "all" ? "submission and results file" : PART})`);
  for (const [k, v] of rows) console.log(`  ${k!.padEnd(width)}  ${v}`);
} finally {
  await db.close();
  await target.drop();
  stopSandbox();
}
