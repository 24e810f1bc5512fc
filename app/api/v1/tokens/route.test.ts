/**
 * API tokens over HTTP (list, create with an optional expiry, revoke), and the cross-site checks every
 * state-changing request with the session cookie goes through (lib/auth/same-origin.ts via withAuth),
 * on both databases.
 */
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Deps } from "@/lib/api";
import { apiTokenListSchema, apiTokenSchema, createdTokenSchema } from "@/lib/auth/schemas";
import { authenticateToken, createApiToken } from "@/lib/auth/tokens";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { startSandboxUpstream } from "@/lib/test/engine-fixtures";
import * as meRoute from "../me/route";
import * as tokenRoute from "./[id]/route";
import * as tokensRoute from "./route";

const SECRET = "tokens-route-test-secret-".padEnd(40, "x");
const APP = "http://desk.local:3000";
const DAY_MS = 24 * 60 * 60_000;

type Caller = { cookie?: string; token?: string };
type Headers_ = Record<string, string | null>;
// Any route's handler: its params are whatever `call` is given.
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

describeEachDb("API tokens over HTTP, and cross-site cookie requests", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let deps: Deps;
  let operator: { id: string; email: string };
  let other: { id: string; email: string };
  let admin: { id: string; email: string };
  let asOperator: Caller;
  let asOther: Caller;
  let asAdmin: Caller;

  beforeAll(async () => {
    vi.stubEnv("AUTH_SECRET", SECRET);
    db = await createTestDb(provider);
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    const insert = (email: string, role: string) =>
      db.prisma.user.create({
        data: { email, name: role, passwordHash: "unused", role },
        select: { id: true, email: true },
      });
    operator = await insert("op@shop.test", "operator");
    other = await insert("other@shop.test", "operator");
    admin = await insert("admin@shop.test", "admin");
    const cookieOf = async (id: string) =>
      `next-auth.session-token=${await encode({ token: { uid: id }, secret: SECRET })}`;
    asOperator = { cookie: await cookieOf(operator.id) };
    asOther = { cookie: await cookieOf(other.id) };
    asAdmin = { cookie: await cookieOf(admin.id) };
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
    vi.unstubAllEnvs();
  });

  /**
   * A request as the app's own pages send it (same origin, JSON), unless `headers` say otherwise (null
   * removes a header).
   */
  async function call(
    route: { withDeps(deps: Deps): Handler },
    options: {
      method?: string;
      path: string;
      as: Caller;
      body?: unknown;
      headers?: Headers_;
      params?: Record<string, string>;
    },
  ): Promise<Response> {
    const { as } = options;
    const merged: Headers_ = {
      ...(as.cookie ? { cookie: as.cookie } : {}),
      ...(as.token ? { authorization: `Bearer ${as.token}` } : {}),
      ...(options.method && options.method !== "GET" ? { origin: APP } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    };
    const headers = Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null),
    );
    const req = new Request(`${APP}${options.path}`, {
      method: options.method ?? "GET",
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === "string"
            ? options.body
            : JSON.stringify(options.body),
    });
    return route.withDeps(deps)(req, { params: Promise.resolve(options.params ?? {}) as Promise<never> });
  }

  const list = (as: Caller) => call(tokensRoute.GET, { path: "/api/v1/tokens", as });
  const create = (as: Caller, body: unknown, headers?: Headers_) =>
    call(tokensRoute.POST, { method: "POST", path: "/api/v1/tokens", as, body, headers });
  const revoke = (as: Caller, id: string, headers?: Headers_) =>
    call(tokenRoute.DELETE, { method: "DELETE", path: `/api/v1/tokens/${id}`, as, params: { id }, headers });
  const me = (token: string) => call(meRoute.GET, { path: "/api/v1/me", as: { token } });

  async function errorCode(response: Response): Promise<string> {
    const body = (await response.json()) as { error: { code: string } };
    return `${response.status} ${body.error.code}`;
  }

  it("a signed-in user makes a token: the secret once, then only its prefix; it works as a bearer token", async () => {
    const response = await create(asOperator, { name: "nightly export", expiresInDays: 30 });
    expect(response.status).toBe(201);
    const json: unknown = await response.json();
    // The browser's schema keeps every field the server sends (it would strip unknown ones).
    const created = createdTokenSchema.parse(json);
    expect(created).toEqual(json);
    expect(created).toMatchObject({
      name: "nightly export",
      prefix: created.token.slice(0, 10),
      owner: operator,
      status: "active",
      lastUsedAt: null,
      revokedAt: null,
    });
    const expiresIn = Date.parse(created.expiresAt!) - Date.now();
    expect(Math.abs(expiresIn - 30 * DAY_MS)).toBeLessThan(60_000);

    expect((await me(created.token)).status).toBe(200);
    const listJson: unknown = await (await list(asOperator)).json();
    const listed = apiTokenListSchema.parse(listJson);
    expect(listed).toEqual(listJson);
    const entry = listed.tokens.find((t) => t.id === created.id)!;
    expect(entry.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(10));
    expect(
      await db.prisma.auditEvent.count({ where: { action: "token.create", actorId: operator.id } }),
    ).toBe(1);
  });

  it("a token cannot make tokens, and the body is checked", async () => {
    const { token } = await createApiToken(db, operator.id);
    expect(await errorCode(await create({ token }, { name: "more" }))).toBe("403 forbidden");
    expect(await errorCode(await create(asOperator, { name: "" }))).toBe("422 validation_failed");
    expect(await errorCode(await create(asOperator, { name: "x", expiresInDays: 0 }))).toBe(
      "422 validation_failed",
    );
    expect(await errorCode(await create(asOperator, { name: "x", scope: "all" }))).toBe(
      "422 validation_failed",
    );
    expect(await errorCode(await create(asOperator, "not json"))).toBe("400 bad_request");
  });

  it("an operator lists and revokes only their own tokens; an admin, everyone's", async () => {
    const mine = await createApiToken(db, operator.id, { name: "mine" });
    const theirs = await createApiToken(db, other.id, { name: "theirs" });

    const operatorList = apiTokenListSchema.parse(await (await list(asOperator)).json());
    expect(operatorList.tokens.every((t) => t.owner.id === operator.id)).toBe(true);
    expect(operatorList.tokens.map((t) => t.id)).toContain(mine.id);
    const adminList = apiTokenListSchema.parse(await (await list(asAdmin)).json());
    expect(adminList.tokens.map((t) => t.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(adminList.tokens.find((t) => t.id === theirs.id)!.owner).toEqual(other);

    // Someone else's token is not found, exactly as an unknown one, and stays valid.
    expect(await errorCode(await revoke(asOperator, theirs.id))).toBe("404 not_found");
    expect(await errorCode(await revoke(asOperator, "no-such-token"))).toBe("404 not_found");
    expect(await authenticateToken(db, theirs.token)).not.toBeNull();

    const revoked = await revoke(asOperator, mine.id);
    expect(revoked.status).toBe(200);
    const body = apiTokenSchema.parse(await revoked.json());
    expect(body).toMatchObject({ id: mine.id, status: "revoked", revokedAt: expect.any(String) });
    expect(await errorCode(await me(mine.token))).toBe("401 unauthorized");
    // Revoking again answers the same token, revoked at the first time.
    expect(apiTokenSchema.parse(await (await revoke(asOperator, mine.id)).json()).revokedAt).toBe(
      body.revokedAt,
    );
    expect(
      await db.prisma.auditEvent.count({ where: { action: "token.revoke", actorId: operator.id } }),
    ).toBe(1);

    expect((await revoke(asAdmin, theirs.id)).status).toBe(200);
    expect(await errorCode(await me(theirs.token))).toBe("401 unauthorized");
    // A token may revoke (its own user's tokens), from anywhere: no cookie is involved.
    const script = await createApiToken(db, other.id, { name: "script" });
    const victim = await createApiToken(db, other.id, { name: "old" });
    const byToken = await revoke({ token: script.token }, victim.id, { origin: "https://elsewhere.example" });
    expect(byToken.status).toBe(200);
  });

  it("an expired token is a 401 and listed as expired", async () => {
    const { id, token } = await createApiToken(db, other.id, { name: "short", expiresInDays: 1 });
    expect((await me(token)).status).toBe(200);
    await db.prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await errorCode(await me(token))).toBe("401 unauthorized");
    const listed = apiTokenListSchema.parse(await (await list(asOther)).json());
    expect(listed.tokens.find((t) => t.id === id)!.status).toBe("expired");
  });

  it("refuses a state-changing cookie request from another site, and one whose body is not JSON", async () => {
    const before = await db.prisma.apiToken.count();
    const crossSite: Headers_[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://desk.local:3000.evil.example" },
      { origin: null, "sec-fetch-site": "cross-site" },
      { origin: null, "sec-fetch-site": "same-site" },
      { origin: null },
    ];
    for (const headers of crossSite) {
      const response = await create(asOperator, { name: "csrf" }, headers);
      expect(await errorCode(response), JSON.stringify(headers)).toBe("403 forbidden");
    }
    const { id } = await createApiToken(db, operator.id, { name: "keep" });
    expect(await errorCode(await revoke(asOperator, id, { origin: "https://evil.example" }))).toBe(
      "403 forbidden",
    );
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await create(asOperator, '{"name":"csrf"}', { "content-type": type });
      expect(await errorCode(response), type).toBe("415 unsupported_media_type");
    }
    expect(await db.prisma.apiToken.count()).toBe(before + 1);
    expect(await authenticateToken(db, (await createApiToken(db, operator.id)).token)).not.toBeNull();
  });

  it("accepts the same request from the app's own pages, and a bearer-token request from anywhere", async () => {
    const sameOrigin = await create(asOperator, { name: "same origin" });
    expect(sameOrigin.status).toBe(201);
    const fetchMetadata = await create(
      asOperator,
      { name: "fetch metadata" },
      { origin: null, "sec-fetch-site": "same-origin" },
    );
    expect(fetchMetadata.status).toBe(201);
    // Reads are not state changes: a cross-site GET with the cookie is answered (CORS keeps the answer
    // from the other site's script).
    const read = await call(tokensRoute.GET, {
      path: "/api/v1/tokens",
      as: asOperator,
      headers: { origin: "https://evil.example" },
    });
    expect(read.status).toBe(200);
    const { token } = await createApiToken(db, other.id);
    const { id } = await createApiToken(db, other.id, { name: "by script" });
    const scripted = await revoke({ token }, id, {
      origin: "https://evil.example",
      "content-type": "text/plain",
    });
    expect(scripted.status).toBe(200);
  });
});
