import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { createTestDb, type TestDb } from "@/lib/test/db";
import { checkHealth } from "./health";

let db: TestDb;
let closedPort: number;
const clientFor = (port: number) =>
  new GsmFusionClient({
    baseUrl: `http://127.0.0.1:${port}`,
    username: SANDBOX_DEFAULTS.username,
    apiKey: SANDBOX_DEFAULTS.apiKey,
    readRetries: 0,
    breaker: { consecutiveFailures: 1 },
  });

beforeAll(async () => {
  db = await createTestDb("sqlite");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await db?.drop();
});

it("is ok with the database reachable and the breaker closed, without calling the upstream", async () => {
  expect(await checkHealth(async () => db, clientFor(closedPort))).toEqual({
    status: "ok",
    db: "ok",
    upstream: { state: "closed", lastSuccessAt: null, latencyMs: null },
  });
});

it("is degraded while the breaker is open, and down when the database cannot be opened", async () => {
  const client = clientFor(closedPort);
  await client.listServices("imei").catch(() => undefined);
  expect(await checkHealth(async () => db, client)).toMatchObject({
    status: "degraded",
    db: "ok",
    upstream: { state: "open" },
  });
  const unopenable = () => Promise.reject(new Error("SQLITE_CANTOPEN"));
  expect(await checkHealth(unopenable, client)).toMatchObject({ status: "down", db: "down" });
});
