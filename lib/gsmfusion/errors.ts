/**
 * Failure classes of an upstream call. The order engine decides from `kind` alone whether an order
 * goes back to the queue, is failed, or becomes `uncertain` (the order state machine, lib/orders/README.md):
 * - `refused`: the upstream answered with an `<error>`; nothing was placed, nothing charged.
 * - `not_processed`: proof that the request was not handled (it never left, or was turned away first).
 * - `unknown_outcome`: the request may have been handled (and charged); nobody can tell from here.
 */
export type UpstreamFailureKind = "refused" | "not_processed" | "unknown_outcome";

export type UpstreamFailureCode =
  // refused: the upstream's own `<error>` answer; its message is kept verbatim in `upstreamMessage`
  | "duplicate"
  | "auth"
  | "upstream_error"
  // not_processed (also `upstream_error` for a redirect or a 4xx answer: see README.md)
  | "rate_limited"
  | "unavailable"
  | "connection_refused"
  | "dns"
  | "circuit_open"
  // unknown_outcome
  | "timeout"
  | "reset"
  | "bad_gateway"
  | "unreadable"
  | "too_large"
  | "no_order_id";

export type UpstreamErrorInit = {
  kind: UpstreamFailureKind;
  code: UpstreamFailureCode;
  message: string;
  upstreamMessage?: string;
  retryAfterMs?: number;
  httpStatus?: number;
  cause?: unknown;
};

// Errors are recognised by a registered symbol, not `instanceof`: Next.js bundles instrumentation.ts and the
// routes separately, so the shared client (lib/upstream.ts) may throw a class from another module copy.
const UPSTREAM_ERROR = Symbol.for("imei-desk.UpstreamError");
const INVALID_INPUT_ERROR = Symbol.for("imei-desk.InvalidUpstreamInputError");

function hasBrand(e: unknown, brand: symbol): boolean {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

/** A failed upstream call. Its message never holds the API key or the request body. */
export class UpstreamError extends Error {
  readonly [UPSTREAM_ERROR] = true;
  readonly kind: UpstreamFailureKind;
  readonly code: UpstreamFailureCode;
  readonly upstreamMessage?: string;
  readonly retryAfterMs?: number;
  readonly httpStatus?: number;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "UpstreamError";
    this.kind = init.kind;
    this.code = init.code;
    if (init.upstreamMessage !== undefined) this.upstreamMessage = init.upstreamMessage;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
  }
}

export function isUpstreamError(e: unknown): e is UpstreamError {
  return hasBrand(e, UPSTREAM_ERROR);
}

/**
 * Input the client will not send (a malformed IMEI or order id). Thrown before any network call, so
 * it is neither an upstream failure nor a reason to mark an order uncertain.
 */
export class InvalidUpstreamInputError extends Error {
  readonly [INVALID_INPUT_ERROR] = true;
  constructor(message: string) {
    super(message);
    this.name = "InvalidUpstreamInputError";
  }
}

export function isInvalidUpstreamInputError(e: unknown): e is InvalidUpstreamInputError {
  return hasBrand(e, INVALID_INPUT_ERROR);
}

/** Maps an upstream `<error>` message to a refusal. Unknown messages stay `upstream_error`, verbatim. */
export function createRefusal(upstreamMessage: string, action: string): UpstreamError {
  const normalised = upstreamMessage.trim().toLowerCase();
  let code: UpstreamFailureCode = "upstream_error";
  if (normalised.startsWith("imei already exists")) code = "duplicate";
  else if (normalised.startsWith("invalid user") || normalised.startsWith("invalid api key")) code = "auth";
  return new UpstreamError({
    kind: "refused",
    code,
    upstreamMessage,
    message: `GSM Fusion refused ${action}: ${upstreamMessage}`,
  });
}
