import "server-only";
import { isLuhnValid } from "@/lib/imei";
import { log, registerSecret } from "@/lib/log";
import { parseOrdersAnswer, parsePlaceOrderAnswer, parseServicesAnswer } from "./answers";
import { InvalidUpstreamInputError, UpstreamError, isUpstreamError } from "./errors";
import { CircuitBreaker, Semaphore, circuitOpenError, sleep } from "./resilience";
import { postForm } from "./transport";
import {
  ORDER_FIELDS,
  type PlaceOrderInput,
  type PlacedOrder,
  type ServiceKind,
  type UpstreamHealth,
  type UpstreamOrder,
  type UpstreamService,
} from "./types";
import { type XmlAnswer, parseXmlAnswer } from "./xml";

export type {
  CircuitState,
  OrderField,
  PlaceOrderInput,
  PlacedOrder,
  ServiceKind,
  UpstreamHealth,
  UpstreamOrder,
  UpstreamService,
  UpstreamStatus,
} from "./types";

export type GsmFusionConfig = {
  baseUrl: string;
  username: string;
  apiKey: string;
  /** Read calls (catalogue, status). Default 20 s. */
  readTimeoutMs?: number;
  /** `placeorder`; live calls take ~15 s, and each timeout makes an uncertain order. Default 60 s. */
  placeOrderTimeoutMs?: number;
  /** Calls in flight at once, across all actions. Default 128. */
  maxConcurrent?: number;
  /** Extra attempts for read calls that failed in transport. Default 2. */
  readRetries?: number;
  /** First read retry waits about this long, doubling after. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** A Retry-After longer than this is not waited out by a read retry. Default 30 s. */
  maxRetryDelayMs?: number;
  /** A longer answer is not read (`too_large`; for placeorder an unknown outcome). Default 4 MiB. */
  maxAnswerBytes?: number;
  breaker?: { consecutiveFailures?: number; halfOpenAfterMs?: number };
};

const SERVICE_ACTIONS: Record<ServiceKind, string> = {
  imei: "imeiservices",
  file: "fileservices",
  server: "serverservices",
};

/** getimeis takes a comma-separated id list; keep each call small. */
const ORDER_IDS_PER_CALL = 100;
const ENDPOINT_PATH = "/gsmfusion_api/index.php";
const ORDER_FIELD_SET: ReadonlySet<string> = new Set(ORDER_FIELDS);

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Builds the endpoint URL; refuses plain http except on loopback (the sandbox). */
export function resolveEndpoint(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error("GSM Fusion base URL is not a valid URL");
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    // Seen live: over http every call answers "Invalid User!" (the https redirect drops the POST body),
    // and the key would travel in clear text.
    throw new Error(
      `GSM Fusion base URL must use https:// (got http://${url.host}); only loopback may use http`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`GSM Fusion base URL must use https:// (got ${url.protocol}//${url.host})`);
  }
  if (url.username || url.password) throw new Error("GSM Fusion base URL must not carry credentials");
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path.endsWith(ENDPOINT_PATH) ? path : `${path}${ENDPOINT_PATH}`;
  url.search = "";
  url.hash = "";
  return url.toString();
}

/** 15 digits, the last a Luhn check digit over the first 14. */
export function isValidImei(imei: string): boolean {
  return /^\d{15}$/.test(imei) && isLuhnValid(imei);
}

function positiveInt(value: number | undefined, fallback: number, name: string, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min)
    throw new Error(`GSM Fusion config: ${name} must be an integer >= ${min}`);
  return v;
}

export class GsmFusionClient {
  private readonly endpoint: string;
  private readonly username: string;
  private readonly apiKey: string;
  private readonly readTimeoutMs: number;
  private readonly placeOrderTimeoutMs: number;
  private readonly readRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly maxAnswerBytes: number;
  private readonly breaker: CircuitBreaker;
  private readonly slots: Semaphore;
  private lastSuccessAt: string | null = null;
  private lastLatencyMs: number | null = null;

  constructor(config: GsmFusionConfig) {
    if (!config.username.trim()) throw new Error("GSM Fusion config: username is empty");
    if (!config.apiKey.trim()) throw new Error("GSM Fusion config: apiKey is empty");
    registerSecret(config.apiKey);
    this.endpoint = resolveEndpoint(config.baseUrl);
    this.username = config.username;
    this.apiKey = config.apiKey;
    this.readTimeoutMs = positiveInt(config.readTimeoutMs, 20_000, "readTimeoutMs");
    this.placeOrderTimeoutMs = positiveInt(config.placeOrderTimeoutMs, 60_000, "placeOrderTimeoutMs");
    this.readRetries = positiveInt(config.readRetries, 2, "readRetries", 0);
    this.retryBaseDelayMs = positiveInt(config.retryBaseDelayMs, 500, "retryBaseDelayMs", 0);
    this.maxRetryDelayMs = positiveInt(config.maxRetryDelayMs, 30_000, "maxRetryDelayMs", 0);
    this.maxAnswerBytes = positiveInt(config.maxAnswerBytes, 4 * 1024 * 1024, "maxAnswerBytes");
    this.slots = new Semaphore(positiveInt(config.maxConcurrent, 128, "maxConcurrent"));
    this.breaker = new CircuitBreaker(
      positiveInt(config.breaker?.consecutiveFailures, 10, "breaker.consecutiveFailures"),
      positiveInt(config.breaker?.halfOpenAfterMs, 30_000, "breaker.halfOpenAfterMs", 0),
    );
  }

  /** The catalogue of one kind of service (default: IMEI services). Retries transport failures. */
  async listServices(kind: ServiceKind = "imei"): Promise<UpstreamService[]> {
    const action = SERVICE_ACTIONS[kind];
    return this.callWithRetries(action, {}, (answer) => parseServicesAnswer(answer, kind, action));
  }

  /**
   * Places ONE billable order. Never retries: after a timeout, a dropped connection or an unreadable
   * answer the order may have been placed and charged, so the failure is `unknown_outcome` and a
   * person decides. Only one IMEI per call: the live site keeps only the last IMEI of a list.
   */
  async placeOrder(input: PlaceOrderInput): Promise<PlacedOrder> {
    if (!isValidImei(input.imei)) {
      throw new InvalidUpstreamInputError("IMEI must be 15 digits with a valid check digit");
    }
    if (!/^\d+$/.test(input.serviceId)) throw new InvalidUpstreamInputError("serviceId must be numeric");
    const form: Record<string, string> = { imei: input.imei, networkId: input.serviceId };
    for (const [name, value] of Object.entries(input.fields ?? {})) {
      if (!ORDER_FIELD_SET.has(name)) throw new InvalidUpstreamInputError(`unknown order field ${name}`);
      if (typeof value === "string") form[name] = value;
    }
    return this.call("placeorder", form, this.placeOrderTimeoutMs, (answer) =>
      parsePlaceOrderAnswer(answer, input.imei),
    );
  }

  /** Statuses of upstream orders, in calls of at most 100 ids. Ids the upstream does not know are absent. */
  async getOrders(ids: string[]): Promise<UpstreamOrder[]> {
    const unique = [...new Set(ids.map((id) => id.trim()))];
    const bad = unique.find((id) => !/^\d+$/.test(id));
    if (bad !== undefined) throw new InvalidUpstreamInputError("upstream order ids must be numeric");
    const orders: UpstreamOrder[] = [];
    for (let i = 0; i < unique.length; i += ORDER_IDS_PER_CALL) {
      const chunk = unique.slice(i, i + ORDER_IDS_PER_CALL);
      const asked = new Set(chunk);
      const found = await this.callWithRetries("getimeis", { orderIds: chunk.join(",") }, (answer) =>
        parseOrdersAnswer(answer, asked),
      );
      orders.push(...found);
    }
    return orders;
  }

  getHealth(): UpstreamHealth {
    return {
      state: this.breaker.state,
      lastSuccessAt: this.lastSuccessAt,
      latencyMs: this.lastLatencyMs,
      inFlight: this.slots.inFlight,
    };
  }

  /**
   * Read calls only: retries not_processed and unknown_outcome with exponential backoff and jitter; not
   * an answer that was too large, which would only come again.
   */
  private async callWithRetries<T>(
    action: string,
    fields: Record<string, string>,
    reshape: (answer: XmlAnswer) => T,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call(action, fields, this.readTimeoutMs, reshape);
      } catch (err) {
        if (!isUpstreamError(err) || err.kind === "refused") throw err;
        if (err.code === "circuit_open" || err.code === "too_large") throw err;
        if (attempt >= this.readRetries) throw err;
        const backoff = this.retryBaseDelayMs * 2 ** attempt + Math.random() * this.retryBaseDelayMs;
        const delay = Math.max(backoff, err.retryAfterMs ?? 0);
        if (delay > this.maxRetryDelayMs) throw err;
        log.info("gsmfusion: retrying read call", {
          action,
          attempt: attempt + 1,
          code: err.code,
          delayMs: Math.round(delay),
        });
        await sleep(delay);
      }
    }
  }

  /** One call through the breaker and the concurrency limit. `reshape` runs inside, so a malformed
   * answer counts as a transport failure while a refusal (a normal answer) does not. */
  private async call<T>(
    action: string,
    fields: Record<string, string>,
    timeoutMs: number,
    reshape: (answer: XmlAnswer) => T,
  ): Promise<T> {
    // Fail fast instead of queueing behind the concurrency limit while the circuit is open.
    if (!this.breaker.canPass()) throw circuitOpenError(action);
    await this.slots.acquire();
    try {
      const ticket = this.breaker.admit(action);
      const started = performance.now();
      try {
        const { body, httpStatus } = await postForm({
          endpoint: this.endpoint,
          action,
          form: { apiKey: this.apiKey, userId: this.username, action, ...fields },
          timeoutMs,
          maxAnswerBytes: this.maxAnswerBytes,
        });
        const result = reshape(parseXmlAnswer(body, action));
        this.recordAnswer(started);
        this.breaker.recordSuccess(ticket);
        log.debug("gsmfusion: call answered", { action, httpStatus, ms: this.lastLatencyMs });
        return result;
      } catch (err) {
        if (isUpstreamError(err) && err.kind === "refused") {
          // A refusal is the upstream working normally: it must not open the circuit.
          this.recordAnswer(started);
          this.breaker.recordSuccess(ticket);
          log.info("gsmfusion: call refused", {
            action,
            code: err.code,
            upstreamMessage: err.upstreamMessage,
          });
        } else {
          const opened = this.breaker.recordFailure(ticket);
          log.warn("gsmfusion: call failed", {
            action,
            kind: isUpstreamError(err) ? err.kind : "unexpected",
            code: isUpstreamError(err) ? err.code : undefined,
            httpStatus: isUpstreamError(err) ? err.httpStatus : undefined,
            ms: Math.round(performance.now() - started),
          });
          if (opened) log.warn("gsmfusion: circuit opened", { action });
        }
        throw isUpstreamError(err) ? err : wrapUnexpected(err, action);
      }
    } finally {
      this.slots.release();
    }
  }

  private recordAnswer(started: number): void {
    this.lastLatencyMs = Math.round(performance.now() - started);
    this.lastSuccessAt = new Date().toISOString();
  }
}

/** A bug in reshaping (not an upstream answer) still must not claim the order was not placed. */
function wrapUnexpected(err: unknown, action: string): UpstreamError {
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "unreadable",
    message: `GSM Fusion ${action}: the answer could not be handled`,
    cause: err,
  });
}
