import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { GET as health } from "@/app/api/health/route";
import { withAuth, type Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import { notFound } from "@/lib/errors";
import { setLogSink } from "@/lib/log";
import type { Engine } from "@/lib/orders/engine";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { startSandboxUpstream } from "@/lib/test/engine-fixtures";
import { GET } from "./route";

const SECRET = "route-test-secret-".padEnd(40, "x");
const API_KEY_SHAPED = "ABCD-EFGH-IJKL-MNOP-QRST";

const noParams = { params: Promise.resolve({}) };
const request = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/v1/me", { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEachDb("GET /api/v1/me and withAuth", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let deps: Deps;
  let me: ReturnType<typeof GET.withDeps>;
  let operator: { id: string; email: string };
  let admin: { id: string; email: string };
  let operatorToken: string;
  let adminToken: string;

  beforeAll(async () => {
    // Session cookies are signed with the configured secret; everything else is handed to the routes.
    vi.stubEnv("AUTH_SECRET", SECRET);
    db = await createTestDb(provider);
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    me = GET.withDeps(deps);

    const insert = (email: string, role: string) =>
      db.prisma.user.create({
        data: { email, name: role, passwordHash: "unused", role },
        select: { id: true, email: true },
      });
    operator = await insert("operator@shop.test", "operator");
    admin = await insert("admin@shop.test", "admin");
    operatorToken = (await createApiToken(db, operator.id)).token;
    adminToken = (await createApiToken(db, admin.id)).token;
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
    vi.unstubAllEnvs();
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
      const error = await expectError(await me(request(), noParams), 401, "unauthorized");
      expect(error.message).toMatch(/Bearer/);
    });

    it("returns the token's user for Authorization: Bearer", async () => {
      const response = await me(request(bearer(operatorToken)), noParams);
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
      const response = await me(
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
        await expectError(await me(request(headers), noParams), 401, "unauthorized");
      }
    });

    it("refuses a disabled user's token and session at once", async () => {
      const user = await db.prisma.user.create({
        data: { email: "gone@shop.test", name: "gone", passwordHash: "unused", role: "operator" },
      });
      const { token } = await createApiToken(db, user.id);
      const cookie = await sessionCookie(user.id, "operator");
      expect((await me(request(bearer(token)), noParams)).status).toBe(200);
      await db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
      await expectError(await me(request(bearer(token)), noParams), 401, "unauthorized");
      await expectError(await me(request({ cookie }), noParams), 401, "unauthorized");
    });
  });

  describe("withAuth", () => {
    it("answers 403 for the wrong role and runs the handler for the right one", async () => {
      const handler = vi.fn(async () => Response.json({ ok: true }));
      const route = withAuth(handler, { role: "admin" }).withDeps(deps);
      await expectError(await route(request(bearer(operatorToken)), noParams), 403, "forbidden");
      expect(handler).not.toHaveBeenCalled();
      const response = await route(request(bearer(adminToken)), noParams);
      expect(response.status).toBe(200);
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it("passes the user, database and awaited params to the handler", async () => {
      const route = withAuth<{ id: string }>(async ({ user, db, params }) =>
        Response.json({ userId: user.id, provider: db.provider, params }),
      ).withDeps(deps);
      const response = await route(request(bearer(operatorToken)), { params: Promise.resolve({ id: "b1" }) });
      expect(await response.json()).toEqual({ userId: operator.id, provider, params: { id: "b1" } });
    });

    it("hands the handler the dependencies the route is bound to, and no engine when there is none", async () => {
      const engine = { worker: { nudge: vi.fn() } } as unknown as Engine;
      const seen: Pick<Deps, "db" | "upstream" | "engine">[] = [];
      const route = withAuth(async ({ db, upstream, engine }) => {
        seen.push({ db, upstream, engine });
        return Response.json({});
      });
      await route.withDeps({ ...deps, engine })(request(bearer(operatorToken)), noParams);
      await route.withDeps(deps)(request(bearer(operatorToken)), noParams);
      expect(seen).toHaveLength(2);
      expect(seen[0]!.db).toBe(db);
      expect(seen[0]!.upstream).toBe(deps.upstream);
      expect(seen[0]!.engine).toBe(engine);
      expect(seen[1]!.engine).toBeUndefined();
    });

    it("maps a zod error to 422 naming the field", async () => {
      const route = withAuth(async () => {
        z.object({ serviceId: z.string().min(1, "is required") }).parse({ serviceId: "" });
        return Response.json({});
      }).withDeps(deps);
      const error = await expectError(
        await route(request(bearer(operatorToken)), noParams),
        422,
        "validation_failed",
      );
      expect(error.message).toBe("serviceId: is required");
      expect(error.details).toEqual({ issues: [{ field: "serviceId", message: "is required" }] });
    });

    it("maps an AppError to its status and message", async () => {
      const route = withAuth(async () => {
        throw notFound("Batch b1");
      }).withDeps(deps);
      const error = await expectError(
        await route(request(bearer(operatorToken)), noParams),
        404,
        "not_found",
      );
      expect(error.message).toBe("Batch b1 not found");
    });

    it("answers an unexpected error with a generic 500 and logs it with secrets redacted", async () => {
      const lines: { level: string; line: string }[] = [];
      const restore = setLogSink((level, line) => lines.push({ level, line }));
      try {
        const route = withAuth(async () => {
          throw new Error(`secret ${API_KEY_SHAPED} rejected`);
        }).withDeps(deps);
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
      const response = await health.withDeps(deps)(new Request("http://localhost/api/health"), noParams);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: "ok",
        db: "ok",
        upstream: { state: "closed", lastSuccessAt: null, latencyMs: null },
      });
    });
  });
});
