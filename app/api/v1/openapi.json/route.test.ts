/**
 * GET /api/v1/openapi.json through the exported handler bound to a real SQLite database: any signed-in
 * user or token gets the document, nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { createTestDb, type TestDb } from "@/lib/test/db";
import { insertUser, startSandboxUpstream } from "@/lib/test/engine-fixtures";
import { GET } from "./route";

const noParams = { params: Promise.resolve({}) };
const request = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/v1/openapi.json", { headers });

describe("GET /api/v1/openapi.json [sqlite]", () => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let route: ReturnType<typeof GET.withDeps>;
  let token: string;

  beforeAll(async () => {
    db = await createTestDb("sqlite");
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    const deps: Deps = { db, upstream: upstream.client };
    route = GET.withDeps(deps);
    const operator = await insertUser(db, "reader@shop.test", "operator");
    token = (await createApiToken(db, operator.id)).token;
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
  });

  it("answers the document as JSON to a token holder", async () => {
    const response = await route(request({ authorization: `Bearer ${token}` }), noParams);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain("/api/v1/openapi.json");
  });

  it("answers 401 in the error model without credentials", async () => {
    const response = await route(request(), noParams);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
