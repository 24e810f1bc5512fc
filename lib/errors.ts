/**
 * The one error model: every API error is `{ error: { code, message, details? } }`, and
 * each code has one HTTP status. Zod only: the browser's API client parses errors with these schemas.
 */
import { z } from "zod";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  price_changed: 409,
  service_retired: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  spend_limit: 402,
  upstream_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** One problem with the input; `line` for list inputs (an IMEI list, a CSV). */
export const fieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** `details` of a 422: every problem found. */
export const validationDetailsSchema = z.object({ issues: z.array(fieldIssueSchema) });

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

const APP_ERROR = Symbol.for("imei-desk.AppError");

/** An error meant for the caller: its message is safe to show. */
export class AppError extends Error {
  override name = "AppError";
  readonly [APP_ERROR] = true;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Sent as the `Retry-After` header (a 429 says when to come back). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** Recognised by a registered symbol: Next.js may load this module more than once (see lib/gsmfusion/errors.ts). */
export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[APP_ERROR] === true;
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/** A zod failure as a 422 that names each field (and line, for list inputs). */
export function fromZodError(error: z.ZodError, lineOffset = 1): AppError {
  const issues: FieldIssue[] = error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || "body";
    const index = issue.path.find((p) => typeof p === "number");
    return {
      field,
      message: issue.message,
      ...(typeof index === "number" ? { line: index + lineOffset } : {}),
    };
  });
  const first = issues[0];
  const message = first
    ? `${first.field}${first.line ? ` (line ${first.line})` : ""}: ${first.message}`
    : "The request is invalid";
  return new AppError("validation_failed", message, { issues });
}

export function errorResponse(error: AppError): Response {
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { "Retry-After": String(error.retryAfterSeconds) };
  return Response.json(error.toBody(), { status: error.status, headers });
}
