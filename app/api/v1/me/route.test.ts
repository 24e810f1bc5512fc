import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createPostgresDatabase, createSqliteUrl, describeEachDb } from "@/lib/test/db";

const SECRET = "route-test-secret-".padEnd(40, "x");
const API_KEY_SHAPED = "ABCD-EFGH-IJKL-MNOP-QRST";

// The handlers open the process's database from DATABASE_URL through getEnv() and getDb(), both cached
// once per module graph (getDb on globalThis). Each provider gets a fresh graph pointing at its own database.
const globalCache = globalThis as unknown as {
  imeiDeskDb?: Promise<{ close(): Promise<void> }>;
  imeiDeskUpstream?: unknown;
};

async function loadApp() {
  vi.resetModules();
  return {
    me: await import("./route"),
    health: await import("@/app/api/health/route"),
    api: await import("@/lib/api"),
    errors: await import("@/lib/errors"),
    log: await import("@/lib/log"),
    tokens: await import("@/lib/auth/tokens"),
    db: await import("@/lib/db"),
  };
}
type App = Awaited<ReturnType<typeof loadApp>>;

const noParams = { params: Promise.resolve({}) };
const request = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/v1/me", { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEachDb("GET /api/v1/me and withAuth", (provider) => {
  let app: App;
  let target: { url: string; drop(): Promise<void> };
  let savedEnv: NodeJS.ProcessEnv;
  let operator: { id: string; email: string };
  let admin: { id: string; email: string };
  let operatorToken: string;
  let adminToken: string;

  beforeAll(async () => {
    target = provider === "sqlite" ? createSqliteUrl() : await createPostgresDatabase();
    savedEnv = { ...process.env };
    for (const name of ["GSM_FUSION_BASE_URL", "GSM_FUSION_USERNAME", "GSM_FUSION_API_KEY"])
      delete process.env[name];
    process.env.DATABASE_URL = target.url;
    process.env.AUTH_SECRET = SECRET;
    globalCache.imeiDeskDb = undefined;
    globalCache.imeiDeskUpstream = undefined;
    app = await loadApp();

    const db = await app.db.getDb();
    const insert = (email: string, role: string) =>
      db.prisma.user.create({
        data: { email, name: role, passwordHash: "unused", role },
        select: { id: true, email: true },
      });
    operator = await insert("operator@shop.test", "operator");
    admin = await insert("admin@shop.test", "admin");
    operatorToken = (await app.tokens.createApiToken(db, operator.id)).token;
    adminToken = (await app.tokens.createApiToken(db, admin.id)).token;
  });

  afterAll(async () => {
    await (await globalCache.imeiDeskDb)?.close();
    globalCache.imeiDeskDb = undefined;
    globalCache.imeiDeskUpstream = undefined;
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    await target.drop();
  });

  const sessionCookie = async (userId: string, role: string, secret = SECRET) =>
    `next-auth.session-token=${await encode({ token: { uid: userId, role }, secret })}`;

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string; details?: unknown } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    return body.error;
  }

  describe("GET /api/v1/me", () => {
    it("answers 401 JSON without credentials", async () => {
      const error = await expectError(await app.me.GET(request(), noParams), 401, "unauthorized");
      expect(error.message).toMatch(/Bearer/);
    });

    it("returns the token's user for Authorization: Bearer", async () => {
      const response = await app.me.GET(request(bearer(operatorToken)), noParams);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: operator.id,
        email: "operator@shop.test",
        name: "operator",
        role: "operator",
      });
    });

    it("returns the session's user for a next-auth session cookie, with the role read from the database", async () => {
      // The cookie claims operator; the user row says admin, and the row wins.
      const response = await app.me.GET(
        request({ cookie: `theme=dark; ${await sessionCookie(admin.id, "operator")}` }),
        noParams,
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: admin.id, email: "admin@shop.test", role: "admin" });
    });

    it("refuses a garbage cookie, a cookie signed with another secret and an unknown token", async () => {
      for (const headers of [
        { cookie: "next-auth.session-token=not.a.jwt" },
        { cookie: "next-auth.session-token=%E0%A4%A" }, // not even valid percent-encoding
        { cookie: await sessionCookie(admin.id, "admin", "another-secret-".padEnd(40, "y")) },
        bearer("imd_not-a-real-token"),
        bearer(adminToken.slice(0, -2)),
      ]) {
        await expectError(await app.me.GET(request(headers), noParams), 401, "unauthorized");
      }
    });

    it("refuses a disabled user's token and session at once", async () => {
      const db = await app.db.getDb();
      const user = await db.prisma.user.create({
        data: { email: "gone@shop.test", name: "gone", passwordHash: "unused", role: "operator" },
      });
      const { token } = await app.tokens.createApiToken(db, user.id);
      const cookie = await sessionCookie(user.id, "operator");
      expect((await app.me.GET(request(bearer(token)), noParams)).status).toBe(200);
      await db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
      await expectError(await app.me.GET(request(bearer(token)), noParams), 401, "unauthorized");
      await expectError(await app.me.GET(request({ cookie }), noParams), 401, "unauthorized");
    });
  });

  describe("withAuth", () => {
    it("answers 403 for the wrong role and runs the handler for the right one", async () => {
      const handler = vi.fn(async () => Response.json({ ok: true }));
      const route = app.api.withAuth(handler, { role: "admin" });
      await expectError(await route(request(bearer(operatorToken)), noParams), 403, "forbidden");
      expect(handler).not.toHaveBeenCalled();
      const response = await route(request(bearer(adminToken)), noParams);
      expect(response.status).toBe(200);
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it("passes the user, database and awaited params to the handler", async () => {
      const route = app.api.withAuth<{ id: string }>(async ({ user, db, params }) =>
        Response.json({ userId: user.id, provider: db.provider, params }),
      );
      const response = await route(request(bearer(operatorToken)), { params: Promise.resolve({ id: "b1" }) });
      expect(await response.json()).toEqual({ userId: operator.id, provider, params: { id: "b1" } });
    });

    it("maps a zod error to 422 naming the field", async () => {
      const route = app.api.withAuth(async () => {
        z.object({ serviceId: z.string().min(1, "is required") }).parse({ serviceId: "" });
        return Response.json({});
      });
      const error = await expectError(
        await route(request(bearer(operatorToken)), noParams),
        422,
        "validation_failed",
      );
      expect(error.message).toBe("serviceId: is required");
      expect(error.details).toEqual({ issues: [{ field: "serviceId", message: "is required" }] });
    });

    it("maps an AppError to its status and message", async () => {
      const route = app.api.withAuth(async () => {
        throw app.errors.notFound("Batch b1");
      });
      const error = await expectError(
        await route(request(bearer(operatorToken)), noParams),
        404,
        "not_found",
      );
      expect(error.message).toBe("Batch b1 not found");
    });

    it("answers an unexpected error with a generic 500 and logs it with secrets redacted", async () => {
      const lines: { level: string; line: string }[] = [];
      const restore = app.log.setLogSink((level, line) => lines.push({ level, line }));
      try {
        const route = app.api.withAuth(async () => {
          throw new Error(`secret ${API_KEY_SHAPED} rejected`);
        });
        const response = await route(request(bearer(operatorToken)), noParams);
        const text = await response.clone().text();
        const error = await expectError(response, 500, "internal");
        expect(error.message).toBe("Something went wrong on our side. It has been logged.");
        expect(text).not.toContain("secret");
        expect(text).not.toContain(API_KEY_SHAPED);
      } finally {
        restore();
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe("error");
      expect(lines[0]!.line).not.toContain(API_KEY_SHAPED);
      expect(JSON.parse(lines[0]!.line)).toMatchObject({
        level: "error",
        msg: "unhandled error in route handler",
        error: { name: "Error", message: "secret [redacted] rejected" },
        path: "/api/v1/me",
      });
    });
  });

  describe("GET /api/health", () => {
    it("reports the database reachable and the upstream breaker closed without calling it", async () => {
      const response = await app.health.GET();
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: "ok",
        db: "ok",
        upstream: { state: "closed", lastSuccessAt: null, latencyMs: null },
      });
    });
  });
});
