/**
 * The one wrapper around route handlers (STYLE.md 2): it authenticates, checks the role, holds the only
 * try/catch and maps every error to `{ error: { code, message, details? } }`.
 */
import { z } from "zod";
import { authenticateRequest } from "@/lib/auth/session";
import type { AppUser, Role } from "@/lib/auth/users";
import { getDb, type Db } from "@/lib/db";
import { AppError, errorResponse, fromZodError, isAppError } from "@/lib/errors";
import { isInvalidUpstreamInputError, isUpstreamError } from "@/lib/gsmfusion/errors";
import { log } from "@/lib/log";

export type HandlerContext<P> = { req: Request; user: AppUser; db: Db; params: P };
type RouteContext<P> = { params: Promise<P> };

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
): (req: Request, context: RouteContext<P>) => Promise<Response> {
  return async (req, context) => {
    try {
      const db = await getDb();
      const user = await authenticateRequest(db, req.headers);
      if (!user) throw new AppError("unauthorized", "Sign in, or send Authorization: Bearer <token>.");
      if (options.role && user.role !== options.role) {
        throw new AppError("forbidden", `This needs the ${options.role} role.`);
      }
      const params = (await context?.params) ?? ({} as P);
      return await handler({ req, user, db, params });
    } catch (error) {
      return toErrorResponse(error, req);
    }
  };
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
