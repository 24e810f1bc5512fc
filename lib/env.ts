/**
 * Typed configuration: the only module that reads process.env. A missing or malformed
 * value stops the app with one line naming the variable.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const decimalString = /^\d+(\.\d{1,6})?$/;

const rawSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .default("file:./data/imei-desk.db")
    .refine(
      (v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v),
      "must start with file: or postgres://",
    ),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  GSM_FUSION_BASE_URL: z.url("must be a URL such as https://example.com").optional(),
  GSM_FUSION_USERNAME: z.string().min(1).optional(),
  GSM_FUSION_API_KEY: z.string().min(1).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(SANDBOX_DEFAULTS.port),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SUBMIT_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(16),
  DAILY_SPEND_LIMIT: z
    .string()
    .regex(decimalString, "must be a decimal amount such as 500 or 499.50")
    .optional(),
  PLACEORDER_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  READ_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  WORKER_ENABLED: z.enum(["true", "false"]).default("true"),
  NEXT_MANUAL_SIG_HANDLE: z.string().optional(),
  // Leases of the submission worker; unset, the worker's own defaults apply (120 s and 30 s). Short
  // values are for tests that kill workers: a killed worker's orders wait out these leases.
  SUBMIT_LEASE_MS: z.coerce.number().int().min(100).optional(),
  SUBMIT_CLAIM_LEASE_MS: z.coerce.number().int().min(100).optional(),
  // How long after a lost placeorder answer the settlement waits before it trusts the id window (60 s).
  SETTLE_MARGIN_MS: z.coerce.number().int().min(0).optional(),
  NEXTAUTH_URL: z
    .url("must be the address people open, such as https://desk.example.com")
    .refine((v) => /^https?:\/\//.test(v), "must start with http:// or https://")
    .optional(),
  AUTH_TRUST_HOST: z.enum(["true", "false"]).optional(),
  TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine(
      (entries) => entries.every(isIpOrCidr),
      "must be a comma list of IP addresses or CIDR ranges, such as 127.0.0.1,10.0.0.0/8",
    )
    .optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
});

export type Env = {
  nodeEnv: "development" | "production" | "test";
  databaseUrl: string;
  authSecret: string;
  port: number;
  submitConcurrency: number;
  dailySpendLimit: string | null;
  workerEnabled: boolean;
  /** Next.js leaves SIGTERM/SIGINT to us (NEXT_MANUAL_SIG_HANDLE), so the engine can stop gracefully. */
  manualSignalHandling: boolean;
  /** Lease on a `submitting` order (SUBMIT_LEASE_MS); undefined: the worker's default. */
  submitLeaseMs?: number;
  /** Lease on claimed, unsent orders (SUBMIT_CLAIM_LEASE_MS); undefined: the worker's default. */
  claimLeaseMs?: number;
  /** Safety margin after a lost placeorder answer before settlement scans (SETTLE_MARGIN_MS); undefined: 60 s. */
  settleMarginMs?: number;
  /** Where `npm run demo` listens (HOST). */
  host: string;
  auth: {
    /** The origin people open (NEXTAUTH_URL), or null: take it from the request's Host. */
    publicOrigin: string | null;
    /** next-auth may build its URLs from the request's Host / X-Forwarded-Host (AUTH_TRUST_HOST). */
    trustHost: boolean;
    /** Peers whose X-Forwarded-* headers are believed (TRUSTED_PROXIES): IP addresses and CIDR ranges. */
    trustedProxies: string[];
  };
  upstream: {
    baseUrl: string;
    username: string;
    apiKey: string;
    isSandbox: boolean;
    sandboxPort: number;
    placeOrderTimeoutMs: number;
    readTimeoutMs: number;
  };
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** An IPv4 or IPv6 address, optionally with a /prefix of the right size. */
function isIpOrCidr(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function isLoopback(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The demo's secret: made once and kept under data/ so sessions survive restarts. */
function readOrCreateDemoSecret(): string {
  const file = path.join(process.cwd(), "data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Parses an environment (process.env by default). Throws EnvError with one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = rawSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new EnvError(`Invalid configuration: ${name} ${issue?.message ?? "is invalid"}`);
  }
  const raw = result.data;

  const hasCredentials = Boolean(raw.GSM_FUSION_USERNAME || raw.GSM_FUSION_API_KEY);
  if (!raw.GSM_FUSION_BASE_URL && hasCredentials) {
    // Real credentials must never be sent to, or silently replaced by, the sandbox.
    throw new EnvError(
      "Invalid configuration: GSM_FUSION_BASE_URL is required when GSM Fusion credentials are set",
    );
  }
  const baseUrl = (raw.GSM_FUSION_BASE_URL ?? `http://127.0.0.1:${raw.SANDBOX_PORT}`).replace(/\/+$/, "");
  const isSandbox = !raw.GSM_FUSION_BASE_URL || isLoopback(baseUrl);
  if (!isSandbox && (!raw.GSM_FUSION_USERNAME || !raw.GSM_FUSION_API_KEY)) {
    const missing = raw.GSM_FUSION_USERNAME ? "GSM_FUSION_API_KEY" : "GSM_FUSION_USERNAME";
    throw new EnvError(`Invalid configuration: ${missing} is required with a real GSM_FUSION_BASE_URL`);
  }
  if (!isSandbox && !baseUrl.startsWith("https://")) {
    throw new EnvError(
      "Invalid configuration: GSM_FUSION_BASE_URL must use https:// (the live site loses POST fields over http)",
    );
  }

  let authSecret = raw.AUTH_SECRET;
  if (!authSecret) {
    if (raw.NODE_ENV === "production")
      throw new EnvError("Invalid configuration: AUTH_SECRET is required in production");
    authSecret = readOrCreateDemoSecret();
  }

  return {
    nodeEnv: raw.NODE_ENV,
    databaseUrl: raw.DATABASE_URL,
    authSecret,
    port: raw.PORT,
    submitConcurrency: raw.SUBMIT_CONCURRENCY,
    dailySpendLimit: raw.DAILY_SPEND_LIMIT ?? null,
    workerEnabled: raw.WORKER_ENABLED === "true",
    manualSignalHandling: Boolean(raw.NEXT_MANUAL_SIG_HANDLE),
    submitLeaseMs: raw.SUBMIT_LEASE_MS,
    claimLeaseMs: raw.SUBMIT_CLAIM_LEASE_MS,
    settleMarginMs: raw.SETTLE_MARGIN_MS,
    host: raw.HOST,
    auth: {
      publicOrigin: raw.NEXTAUTH_URL ? new URL(raw.NEXTAUTH_URL).origin : null,
      // Outside production the app is opened under whatever name works (localhost, 127.0.0.1, a LAN name).
      trustHost: raw.AUTH_TRUST_HOST ? raw.AUTH_TRUST_HOST === "true" : raw.NODE_ENV !== "production",
      trustedProxies: raw.TRUSTED_PROXIES ?? [],
    },
    upstream: {
      baseUrl,
      username: raw.GSM_FUSION_USERNAME ?? SANDBOX_DEFAULTS.username,
      apiKey: raw.GSM_FUSION_API_KEY ?? SANDBOX_DEFAULTS.apiKey,
      isSandbox,
      sandboxPort: raw.SANDBOX_PORT,
      placeOrderTimeoutMs: raw.PLACEORDER_TIMEOUT_MS,
      readTimeoutMs: raw.READ_TIMEOUT_MS,
    },
  };
}

/**
 * The web server needs to know the address people open: NEXTAUTH_URL, or AUTH_TRUST_HOST=true to take it
 * from each request. In production neither is assumed (next-auth would quietly build its redirects and
 * cookie names for http://localhost:3000). The worker and the command-line tools do not sign anyone in.
 */
export function checkWebServerEnv(env: Env): void {
  if (env.nodeEnv === "production" && !env.auth.publicOrigin && !env.auth.trustHost) {
    throw new EnvError(
      "Invalid configuration: NEXTAUTH_URL is required in production (the address people open, such as https://desk.example.com), or set AUTH_TRUST_HOST=true",
    );
  }
}

/**
 * next-auth reads its own variables, and takes any non-empty AUTH_TRUST_HOST (even "false") as true: it
 * is set or removed here to match the parsed setting.
 */
function configureLibraries(env: Env): void {
  if (env.auth.trustHost) process.env.AUTH_TRUST_HOST = "true";
  else delete process.env.AUTH_TRUST_HOST;
}

let cached: Env | undefined;

/** The process's configuration, parsed once. */
export function getEnv(): Env {
  if (!cached) {
    cached = parseEnv();
    configureLibraries(cached);
  }
  return cached;
}
