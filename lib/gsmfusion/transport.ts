import "server-only";
import { UpstreamError, isUpstreamError } from "./errors";

export type FormPost = {
  endpoint: string;
  action: string;
  /** The whole form, credentials included. It is never logged and never put in an error. */
  form: Record<string, string>;
  timeoutMs: number;
  /** A longer answer is not read: it fails as `unknown_outcome` / `too_large`. */
  maxAnswerBytes: number;
};

export type FormAnswer = { body: string; httpStatus: number };

const CONNECT_FAILURES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  // undici's own connect timeout: the TCP connection never opened, so nothing was sent.
  "UND_ERR_CONNECT_TIMEOUT",
]);
const DNS_FAILURES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);
const RESETS = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

/** Parses Retry-After (delta seconds or an HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** undici wraps socket and DNS errors: the useful `code` sits on `err.cause` (sometimes deeper). */
function collectErrorCodes(err: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") codes.push(code);
    if (typeof message === "string") messages.push(message.toLowerCase());
    current = cause;
  }
  return { codes, messages };
}

function classifyTransportError(err: unknown, action: string, phase: "request" | "body"): UpstreamError {
  const { codes, messages } = collectErrorCodes(err);
  const say = (what: string) => `GSM Fusion ${action}: ${what}`;
  if (codes.some((c) => CONNECT_FAILURES.has(c))) {
    return new UpstreamError({
      kind: "not_processed",
      code: "connection_refused",
      message: say(`connection failed (${codes.find((c) => CONNECT_FAILURES.has(c))}); nothing was sent`),
      cause: err,
    });
  }
  if (codes.some((c) => DNS_FAILURES.has(c))) {
    return new UpstreamError({
      kind: "not_processed",
      code: "dns",
      message: say("host name did not resolve; nothing was sent"),
      cause: err,
    });
  }
  const isReset =
    codes.some((c) => RESETS.has(c)) ||
    messages.some((m) => m.includes("socket hang up") || m.includes("other side closed"));
  // Anything unrecognised after fetch() started may have reached the upstream: unknown outcome.
  return new UpstreamError({
    kind: "unknown_outcome",
    code: isReset ? "reset" : phase === "body" ? "unreadable" : "reset",
    message: say(
      isReset
        ? "connection dropped before a full answer"
        : `transport failed (${codes[0] ?? "no error code"})`,
    ),
    cause: err,
  });
}

function timeoutError(action: string, timeoutMs: number): UpstreamError {
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "timeout",
    message: `GSM Fusion ${action}: no full answer within ${timeoutMs} ms`,
  });
}

/** Turns a non-2xx HTTP status into a failure class (the live site answers 200 even for its errors). */
function classifyHttpStatus(response: Response, action: string): UpstreamError {
  const status = response.status;
  const say = (what: string) => `GSM Fusion ${action}: HTTP ${status} ${what}`;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const retry = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) {
    return new UpstreamError({
      kind: "not_processed",
      code: "rate_limited",
      httpStatus: status,
      message: say("(rate limited)"),
      ...retry,
    });
  }
  if (status === 503) {
    return new UpstreamError({
      kind: "not_processed",
      code: "unavailable",
      httpStatus: status,
      message: say("(unavailable)"),
      ...retry,
    });
  }
  if (status >= 300 && status < 400) {
    // A redirect is never followed: on the live site http->https turns the POST into a GET and the
    // fields are lost. The redirecting hop did not run the action, so it is `not_processed`.
    const location = response.headers.get("location") ?? "";
    return new UpstreamError({
      kind: "not_processed",
      code: "upstream_error",
      httpStatus: status,
      upstreamMessage: `redirect to ${location || "(no location)"}`,
      message: say(`redirect to ${location || "(no location)"}; check the base URL`),
    });
  }
  if (status === 408) {
    return new UpstreamError({
      kind: "unknown_outcome",
      code: "timeout",
      httpStatus: status,
      message: say("(timeout)"),
    });
  }
  if (status >= 400 && status < 500) {
    // A 4xx comes from a proxy in front (the PHP site answers 200): the action was turned away.
    return new UpstreamError({
      kind: "not_processed",
      code: "upstream_error",
      httpStatus: status,
      upstreamMessage: `HTTP ${status}`,
      message: say("(turned away before processing)"),
    });
  }
  // 500, 502, 504, 520–524 …: a gateway may have forwarded the call and lost the answer.
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "bad_gateway",
    httpStatus: status,
    message: say("(the call may have been processed)"),
  });
}

/**
 * The upstream answered with more than `maxBytes`: not read any further. The call reached the upstream
 * and was processed, so for placeorder the outcome is unknown (it may have been charged).
 */
function tooLargeError(action: string, maxBytes: number, httpStatus: number): UpstreamError {
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "too_large",
    httpStatus,
    message: `GSM Fusion ${action}: the answer is larger than ${maxBytes} bytes; not read`,
  });
}

/** The body as text, read no further than `maxBytes` (a declared Content-Length above it is refused at once). */
async function readCappedText(response: Response, action: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  const tooLarge = () => tooLargeError(action, maxBytes, response.status);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The one transport: a form POST with a timeout that covers the whole answer, no redirects followed, and
 * at most `maxAnswerBytes` read. Returns the body of a 2xx answer; every other outcome is thrown as a
 * classified UpstreamError.
 */
export async function postForm(request: FormPost): Promise<FormAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(request.endpoint, {
        method: "POST",
        body: new URLSearchParams(request.form),
        headers: { accept: "application/xml, text/xml;q=0.9, */*;q=0.1" },
        redirect: "manual",
        signal: controller.signal,
        cache: "no-store",
      });
    } catch (err) {
      throw timedOut
        ? timeoutError(request.action, request.timeoutMs)
        : classifyTransportError(err, request.action, "request");
    }
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel().catch(() => undefined);
      throw classifyHttpStatus(response, request.action);
    }
    try {
      return {
        body: await readCappedText(response, request.action, request.maxAnswerBytes),
        httpStatus: response.status,
      };
    } catch (err) {
      if (isUpstreamError(err)) throw err;
      throw timedOut
        ? timeoutError(request.action, request.timeoutMs)
        : classifyTransportError(err, request.action, "body");
    }
  } finally {
    clearTimeout(timer);
  }
}
