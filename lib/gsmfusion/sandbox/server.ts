import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { log } from "@/lib/log";
import type { SandboxService } from "./catalogue";
import { SANDBOX_DEFAULTS } from "./defaults";
import {
  DEFAULT_FOREIGN_ORDERS,
  type SandboxForeignOrders,
  type SandboxFaults,
  type SandboxOrder,
  SandboxState,
  type SandboxTiming,
  sandboxCatalogueChangesSchema,
  sandboxFaultsSchema,
} from "./state";

export type {
  SandboxCatalogueChanges,
  SandboxCharge,
  SandboxFaults,
  SandboxForeignOrders,
  SandboxOrder,
  SandboxStats,
  SandboxTiming,
} from "./state";
export { SandboxState } from "./state";
export { SANDBOX_SERVICES } from "./catalogue";

export type SandboxOptions = {
  /** 0 picks a free port. Default SANDBOX_DEFAULTS.port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  username?: string;
  apiKey?: string;
  /** Seeds order outcomes and the fault PRNG. Default 1. */
  seed?: number;
  /** When orders move on. Default: In Process after 2 s, final after 6 s. */
  timing?: Partial<SandboxTiming>;
  /**
   * A comma list of IMEIs in one placeorder: "last_only" (default) does what the live site did, placing
   * and charging only the LAST IMEI; "guide" does what the vendor's guide promises.
   */
  multiImeiMode?: "last_only" | "guide";
  /** Status as words (live, default) or the guide's numbers (1 Pending, 2 Completed, 3 Rejected, 4 In Process). */
  statusStyle?: "words" | "numbers";
  faults?: SandboxFaults;
  /** Other customers' orders between ours (default DEFAULT_FOREIGN_ORDERS); false: our ids are consecutive. */
  foreignOrders?: Partial<SandboxForeignOrders> | false;
};

export type SandboxHandle = {
  /** http://HOST:PORT, the base URL to give the client. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** In-process access for tests: charges, orders, faults, stats. */
  state: SandboxState;
};

const ENDPOINT = "/gsmfusion_api/index.php";
// Seen live: every answer starts with this instead of `<?xml …?>`.
const DECLARATION = '<?phpxml version="1.0" encoding="utf-8"?>';
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_OVERSIZE_BYTES = 5 * 1024 * 1024;
const READ_ACTIONS = new Set(["imeiservices", "fileservices", "serverservices", "getimeis"]);
const KNOWN_ACTIONS = new Set([...READ_ACTIONS, "placeorder"]);
const STATUS_NUMBERS = { Pending: "1", Completed: "2", Rejected: "3", "In Process": "4" } as const;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function errorXml(message: string): string {
  return element("error", message);
}

function sendXml(res: ServerResponse, xml: string): void {
  // HTTP 200 and application/xml even for errors, as live.
  res.writeHead(200, { "content-type": "application/xml; charset=utf-8" });
  res.end(DECLARATION + xml);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A control request's JSON body (an empty body is `{}`); undefined when it is not JSON. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  try {
    return body.length === 0 ? {} : (JSON.parse(body.toString("utf8")) as unknown);
  } catch {
    return undefined;
  }
}

/** Form fields from an urlencoded or multipart body (the vendor's PHP sample posts multipart). */
async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  const body = await readBody(req);
  const contentType = req.headers["content-type"] ?? "application/x-www-form-urlencoded";
  const fields = new Map<string, string>();
  try {
    const form = await new Response(new Uint8Array(body), {
      headers: { "content-type": contentType },
    }).formData();
    form.forEach((value, key) => {
      if (typeof value === "string") fields.set(key, value);
    });
  } catch {
    // Unreadable bodies carry no fields; the answer is then "Invalid User!", as for lost fields live.
  }
  return fields;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function servicesXml(state: SandboxState, kind: SandboxService["kind"]): string {
  const packages = state
    .listServices(kind)
    .map(
      (s) =>
        "<Package>" +
        element("PackageId", s.id) +
        element("Category", s.category) +
        element("PackageTitle", s.title) +
        element("PackagePrice", s.price) +
        element("TimeTaken", s.timeTaken) +
        element("MustRead", s.mustRead) +
        "</Package>",
    );
  return `<Packages>${packages.join("")}</Packages>`;
}

function placedXml(order: SandboxOrder): string {
  return `<imeis>${element("id", order.id)}${element("imei", order.imei)}${element("status", "Pending")}</imeis>`;
}

type PlaceOutcome = { xml: string; charged: boolean };

function placeOrders(
  state: SandboxState,
  form: Map<string, string>,
  mode: "last_only" | "guide",
): PlaceOutcome {
  const service = state.findService((form.get("networkId") ?? "").trim());
  if (!service) return { xml: errorXml("Invalid Service or Service is not available!"), charged: false };
  const imeis = (form.get("imei") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (imeis.length === 0) return { xml: errorXml("IMEI is required!"), charged: false };

  if (mode === "last_only" || imeis.length === 1) {
    // Seen live: a comma list placed ONE order, for the last IMEI; the others simply vanished.
    const imei = imeis[imeis.length - 1] ?? "";
    if (!/^\d{15}$/.test(imei))
      return { xml: errorXml("Invalid IMEI! IMEI must be 15 digits."), charged: false };
    // The live site does not check the Luhn digit: such orders are accepted, then rejected.
    if (state.hasOrder(service.id, imei)) return { xml: errorXml("IMEI already exists!"), charged: false };
    return { xml: `<result>${placedXml(state.placeOrder(service, imei))}</result>`, charged: true };
  }

  const placed: SandboxOrder[] = [];
  const duplicates: string[] = [];
  const errors: string[] = [];
  for (const imei of imeis) {
    if (!/^\d{15}$/.test(imei)) {
      errors.push(`<imeierrors>${element("imei", imei)}${element("error", "Invalid IMEI!")}</imeierrors>`);
    } else if (state.hasOrder(service.id, imei)) {
      duplicates.push(imei);
    } else {
      placed.push(state.placeOrder(service, imei));
    }
  }
  const duplicateXml =
    duplicates.length > 0 ? `<imeiduplicates>${element("imei", duplicates.join(","))}</imeiduplicates>` : "";
  return {
    xml: `<result>${placed.map(placedXml).join("")}${duplicateXml}${errors.join("")}</result>`,
    charged: placed.length > 0,
  };
}

function ordersXml(state: SandboxState, form: Map<string, string>, statusStyle: "words" | "numbers"): string {
  const now = Date.now();
  const ids = (form.get("orderIds") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const entries: string[] = [];
  // Partial: some known orders are left out (at least one), only from an answer for several ids.
  const partial = ids.length > 1 && state.roll(state.faults.partialGetimeis);
  const known = ids.filter((id) => state.orders.has(id));
  const leftOut = new Set(partial ? known.filter(() => state.roll(0.5)) : []);
  if (partial && leftOut.size === 0 && known.length > 0) leftOut.add(known[0]!);
  for (const id of ids) {
    const order = state.orders.get(id);
    // Unknown ids, and other customers' orders, are simply absent.
    if (!order || leftOut.has(id)) continue;
    const status = state.statusOf(order, now);
    const isFinal = status === "Completed" || status === "Rejected";
    entries.push(
      "<imeis>" +
        element("id", order.id) +
        element("package", order.packageTitle) +
        element("imei", order.imei) +
        element("status", statusStyle === "numbers" ? STATUS_NUMBERS[status] : status) +
        // The result text is `Label: value<br>…`, XML-escaped on the wire like the live site.
        element("code", isFinal ? order.outcome.code : "") +
        element("requestedat", order.requestedAt) +
        "</imeis>",
    );
  }
  return `<result>${entries.join("")}</result>`;
}

type Context = {
  state: SandboxState;
  username: string;
  apiKey: string;
  multiImeiMode: "last_only" | "guide";
  statusStyle: "words" | "numbers";
};

async function handleApi(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = ctx;
  const form = req.method === "POST" ? await readForm(req) : new Map<string, string>();
  const action = form.get("action") ?? "";
  state.countCall(KNOWN_ACTIONS.has(action) ? action : "other");
  const faults = state.faults;

  // Turned away before processing: nothing placed, nothing charged.
  if (faults.maxConcurrent !== undefined && state.stats.inFlight > faults.maxConcurrent) {
    return sendTooMany(res, faults);
  }
  if (state.roll(faults.rate429)) return sendTooMany(res, faults);
  if (state.roll(faults.rate503)) {
    res.writeHead(503, { "content-type": "text/html" });
    res.end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
    return;
  }
  const latency = action === "placeorder" ? faults.latencyMs?.placeorder : faults.latencyMs?.read;
  await sleep((latency ?? 0) + state.jitter());

  // As live: a GET, lost fields or an unknown action all answer "Invalid User!".
  if (form.get("userId") !== ctx.username || !KNOWN_ACTIONS.has(action))
    return sendXml(res, errorXml("Invalid User!"));
  if (form.get("apiKey") !== ctx.apiKey) return sendXml(res, errorXml("Invalid API Key!"));

  switch (action) {
    case "imeiservices":
      return sendXml(res, oversized(state, servicesXml(state, "imei")));
    case "fileservices":
      return sendXml(res, oversized(state, servicesXml(state, "file")));
    case "serverservices":
      return sendXml(res, oversized(state, servicesXml(state, "server")));
    case "getimeis":
      return sendXml(res, oversized(state, ordersXml(state, form, ctx.statusStyle)));
    case "placeorder":
      return answerPlacement(ctx, req, res, placeOrders(state, form, ctx.multiImeiMode));
  }
}

/** The faults that strike after the charge: the order exists and is paid, the answer is lost or late. */
async function answerPlacement(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  outcome: PlaceOutcome,
) {
  const { state } = ctx;
  const faults = state.faults;
  if (outcome.charged) {
    if (state.roll(faults.dropAfterCharge)) {
      req.socket.destroy();
      return;
    }
    if (state.roll(faults.truncateAfterCharge)) {
      const full = DECLARATION + outcome.xml;
      res.writeHead(200, { "content-type": "application/xml; charset=utf-8" });
      res.end(full.slice(0, Math.floor(full.length / 2)));
      return;
    }
    if (state.roll(faults.rate502AfterCharge)) {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>");
      return;
    }
    if (state.roll(faults.rateDelayAfterCharge)) await sleep(faults.delayAfterChargeMs ?? 0);
  }
  if (!res.destroyed) sendXml(res, oversized(state, outcome.xml));
}

/** The answer, or (with the oversizeAnswer fault) the same answer padded with a comment to its size. */
function oversized(state: SandboxState, xml: string): string {
  const faults = state.faults;
  if (!state.roll(faults.oversizeAnswer)) return xml;
  const size = faults.oversizeAnswerBytes ?? DEFAULT_OVERSIZE_BYTES;
  return `${xml}<!--${"x".repeat(Math.max(0, size - xml.length))}-->`;
}

function sendTooMany(res: ServerResponse, faults: SandboxFaults): void {
  res.writeHead(429, { "content-type": "text/html", "retry-after": String(faults.retryAfterSeconds ?? 1) });
  res.end("<html><body><h1>429 Too Many Requests</h1></body></html>");
}

async function handleControl(state: SandboxState, req: IncomingMessage, res: ServerResponse, path: string) {
  // The control API has no auth: loopback callers only.
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: "loopback only" });
  const route = `${req.method ?? "GET"} ${path}`;
  switch (route) {
    case "GET /__sandbox/charges":
      return sendJson(res, 200, { charges: state.charges, total: state.totalCharged() });
    case "GET /__sandbox/orders":
      return sendJson(res, 200, { orders: state.listOrders() });
    case "GET /__sandbox/stats":
      return sendJson(res, 200, state.stats);
    case "GET /__sandbox/faults":
      return sendJson(res, 200, { faults: state.faults });
    case "POST /__sandbox/reset":
      state.reset();
      return sendJson(res, 200, { ok: true });
    case "GET /__sandbox/catalogue":
      return sendJson(res, 200, { changes: state.catalogueChanges });
    case "POST /__sandbox/catalogue": {
      const json = await readJsonBody(req);
      if (json === undefined) return sendJson(res, 400, { error: "body is not JSON" });
      const parsed = sandboxCatalogueChangesSchema.safeParse(json);
      if (!parsed.success)
        return sendJson(res, 422, { error: "invalid catalogue changes", issues: parsed.error.issues });
      state.setCatalogueChanges(parsed.data);
      return sendJson(res, 200, { ok: true, changes: state.catalogueChanges });
    }
    case "POST /__sandbox/faults": {
      const json = await readJsonBody(req);
      if (json === undefined) return sendJson(res, 400, { error: "body is not JSON" });
      const parsed = sandboxFaultsSchema.safeParse(json);
      if (!parsed.success)
        return sendJson(res, 422, { error: "invalid faults", issues: parsed.error.issues });
      state.setFaults(parsed.data);
      return sendJson(res, 200, { ok: true, faults: state.faults });
    }
    default:
      return sendJson(res, 404, { error: `no route ${route}` });
  }
}

/** Starts the sandbox upstream: a real HTTP server speaking the GSM Fusion protocol, quirks included. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const state = new SandboxState(
    options.seed ?? 1,
    {
      inProcessAfterMs: options.timing?.inProcessAfterMs ?? 2_000,
      finalAfterMs: options.timing?.finalAfterMs ?? 6_000,
    },
    options.faults ?? {},
    options.foreignOrders === false ? null : { ...DEFAULT_FOREIGN_ORDERS, ...options.foreignOrders },
  );
  const ctx: Context = {
    state,
    username: options.username ?? SANDBOX_DEFAULTS.username,
    apiKey: options.apiKey ?? SANDBOX_DEFAULTS.apiKey,
    multiImeiMode: options.multiImeiMode ?? "last_only",
    statusStyle: options.statusStyle ?? "words",
  };
  const host = options.host ?? "127.0.0.1";

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    let handled: Promise<void>;
    if (path.startsWith("/__sandbox/")) {
      handled = handleControl(state, req, res, path);
    } else if (path === ENDPOINT) {
      state.enter();
      res.once("close", () => state.leave());
      handled = handleApi(ctx, req, res);
    } else {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body><h1>404 Not Found</h1></body></html>");
      return;
    }
    handled.catch((err: unknown) => {
      log.warn("sandbox: request failed", { path, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? SANDBOX_DEFAULTS.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets and held answers would keep close() waiting.
        server.closeAllConnections();
      }),
  };
}
