/**
 * The one wrapper around route handlers: it authenticates, refuses cross-site cookie requests
 * (lib/auth/same-origin.ts), checks the role, hands the handler its
 * dependencies, holds the only try/catch and maps every error to `{ error: { code, message, details? } }`.
 *
 * Dependencies (database, upstream client, order engine) are the process's own by default. A test binds
 * a route to its own with `route.withDeps(deps)`, so it needs no module reloading and no global resets.
 */
import { z } from "zod";
import { checkCookieRequest } from "@/lib/auth/same-origin";
import { hasRole } from "@/lib/auth/permissions";
import { authenticateCaller } from "@/lib/auth/session";
import type { AppUser, Role } from "@/lib/auth/users";
import { getDb, type Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, errorResponse, fromZodError, isAppError } from "@/lib/errors";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import { isInvalidUpstreamInputError, isUpstreamError } from "@/lib/gsmfusion/errors";
import { log } from "@/lib/log";
import { getEngine, type Engine } from "@/lib/orders/engine";
import { getUpstream } from "@/lib/upstream";

/** What handlers work with. `engine` is absent where no order engine runs in this process. */
export type Deps = { db: Db; upstream: GsmFusionClient; engine?: Engine };

/** Each dependency resolved on demand, per request. */
type DepsSource = { db(): Promise<Db>; upstream(): GsmFusionClient; engine(): Engine | undefined };

const processDeps: DepsSource = { db: getDb, upstream: getUpstream, engine: getEngine };

function fixedDeps(deps: Deps): DepsSource {
  return { db: async () => deps.db, upstream: () => deps.upstream, engine: () => deps.engine };
}

export type HandlerContext<P> = Deps & { req: Request; user: AppUser; params: P };

/** A route without sign-in opens the database itself, so that it can report one that is down. */
export type PublicHandlerContext<P> = Omit<Deps, "db"> & { req: Request; params: P; db(): Promise<Db> };

type RouteContext<P> = { params: Promise<P> };

/** A handler with the signature Next.js calls (and type-checks in route files). */
export type RouteHandler<P> = (req: Request, context: RouteContext<P>) => Promise<Response>;

/** A route on the process's dependencies, and `withDeps`: the same route on others. */
export type Route<P> = RouteHandler<P> & { withDeps(deps: Deps): RouteHandler<P> };

function createRoute<P>(run: (source: DepsSource, req: Request, params: P) => Promise<Response>): Route<P> {
  const bindTo =
    (source: DepsSource): RouteHandler<P> =>
    async (req, context) => {
      try {
        const params = (await context?.params) ?? ({} as P);
        return await run(source, req, params);
      } catch (error) {
        return toErrorResponse(error, req);
      }
    };
  return Object.assign(bindTo(processDeps), { withDeps: (deps: Deps) => bindTo(fixedDeps(deps)) });
}

/** Maps any thrown value to an error response; unexpected errors are logged and answered generically. */
export function toErrorResponse(error: unknown, req?: Request): Response {
  if (isAppError(error)) return errorResponse(error);
  if (error instanceof z.ZodError) return errorResponse(fromZodError(error));
  if (isInvalidUpstreamInputError(error))
    return errorResponse(new AppError("validation_failed", error.message));
  if (isUpstreamError(error)) {
    return errorResponse(
      new AppError(
        "upstream_unavailable",
        `The GSM Fusion site did not answer usefully (${error.code}). Try again shortly.`,
      ),
    );
  }
  log.error("unhandled error in route handler", { error, path: req ? new URL(req.url).pathname : undefined });
  return errorResponse(new AppError("internal", "Something went wrong on our side. It has been logged."));
}

export function withAuth<P = Record<string, never>>(
  handler: (ctx: HandlerContext<P>) => Promise<Response>,
  options: { role?: Role } = {},
): Route<P> {
  return createRoute<P>(async (source, req, params) => {
    const db = await source.db();
    const caller = await authenticateCaller(db, req.headers);
    if (!caller) throw new AppError("unauthorized", "Sign in, or send Authorization: Bearer <token>.");
    if (caller.via === "session") checkCookieRequest(req, getEnv().auth.publicOrigin);
    const { user } = caller;
    if (options.role && !hasRole(user, options.role)) {
      throw new AppError("forbidden", `This needs the ${options.role} role.`);
    }
    return handler({ req, user, params, db, upstream: source.upstream(), engine: source.engine() });
  });
}

/** For the few routes anyone may call (the health check); everything else goes through withAuth. */
export function withoutAuth<P = Record<string, never>>(
  handler: (ctx: PublicHandlerContext<P>) => Promise<Response>,
): Route<P> {
  return createRoute<P>((source, req, params) =>
    handler({ req, params, db: source.db, upstream: source.upstream(), engine: source.engine() }),
  );
}

/**
 * Parses a JSON body with a schema; a body that is not JSON is a 400, a wrong shape a 422. With
 * `emptyAs`, an empty body stands for that value (for actions whose options are all optional).
 */
export async function parseJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  options: { emptyAs?: unknown } = {},
): Promise<z.infer<S>> {
  const text = await req.text();
  if (!text.trim() && "emptyAs" in options) return schema.parse(options.emptyAs);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body must be JSON.");
  }
  return schema.parse(body);
}

/** Parses URL query parameters with a schema. */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}
