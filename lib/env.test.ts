import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { checkWebServerEnv, EnvError, parseEnv } from "@/lib/env";

const SECRET = "s".repeat(40);

/** parseEnv's EnvError for a source, or a failure when it does not throw one. */
function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

/** Runs fn with the working directory set to a fresh temporary folder, then removes it. */
function inTempCwd<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), "imei-desk-env-"));
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return fn(dir);
  } finally {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("parseEnv defaults", () => {
  it("runs the embedded demo with nothing set: SQLite under data/ and the sandbox upstream", () => {
    const env = parseEnv({ AUTH_SECRET: SECRET });
    expect(env).toEqual({
      nodeEnv: "development",
      databaseUrl: "file:./data/imei-desk.db",
      authSecret: SECRET,
      port: 3000,
      submitConcurrency: 16,
      dailySpendLimit: null,
      workerEnabled: true,
      manualSignalHandling: false,
      host: "127.0.0.1",
      auth: { publicOrigin: null, trustHost: true, trustedProxies: [] },
      upstream: {
        baseUrl: "http://127.0.0.1:4010",
        username: "sandbox",
        apiKey: "SAND-BOX0-DEMO-KEY0-0001",
        isSandbox: true,
        sandboxPort: 4010,
        placeOrderTimeoutMs: 60_000,
        readTimeoutMs: 20_000,
      },
    });
  });

  it("treats empty strings as unset", () => {
    const env = parseEnv({ AUTH_SECRET: SECRET, PORT: "", DATABASE_URL: "", GSM_FUSION_BASE_URL: "" });
    expect(env.port).toBe(3000);
    expect(env.databaseUrl).toBe("file:./data/imei-desk.db");
    expect(env.upstream.isSandbox).toBe(true);
  });

  it("reads every value it is given", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      AUTH_SECRET: SECRET,
      DATABASE_URL: "postgresql://u@db.internal:5432/imei",
      PORT: "8080",
      SUBMIT_CONCURRENCY: "32",
      DAILY_SPEND_LIMIT: "499.50",
      WORKER_ENABLED: "false",
      GSM_FUSION_BASE_URL: "https://reseller.example.com/",
      GSM_FUSION_USERNAME: "shop",
      GSM_FUSION_API_KEY: "ABCD-EFGH-IJKL-MNOP-QRST",
      PLACEORDER_TIMEOUT_MS: "90000",
    });
    expect(env).toMatchObject({
      nodeEnv: "production",
      databaseUrl: "postgresql://u@db.internal:5432/imei",
      port: 8080,
      submitConcurrency: 32,
      dailySpendLimit: "499.50",
      workerEnabled: false,
      upstream: {
        baseUrl: "https://reseller.example.com",
        username: "shop",
        apiKey: "ABCD-EFGH-IJKL-MNOP-QRST",
        isSandbox: false,
        placeOrderTimeoutMs: 90_000,
      },
    });
  });

  it("treats a loopback base URL as the sandbox, keeping the sandbox credentials", () => {
    const env = parseEnv({ AUTH_SECRET: SECRET, GSM_FUSION_BASE_URL: "http://localhost:4999" });
    expect(env.upstream).toMatchObject({
      baseUrl: "http://localhost:4999",
      isSandbox: true,
      username: "sandbox",
    });
  });
});

describe("parseEnv rejects a malformed value with one line naming the variable", () => {
  it.each([
    ["DATABASE_URL", "mysql://root@localhost/imei"],
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["SUBMIT_CONCURRENCY", "0"],
    ["DAILY_SPEND_LIMIT", "1e3"],
    ["DAILY_SPEND_LIMIT", "-5"],
    ["GSM_FUSION_BASE_URL", "not-a-url"],
    ["AUTH_SECRET", "too-short"],
    ["NODE_ENV", "staging"],
    ["WORKER_ENABLED", "yes"],
    ["NEXTAUTH_URL", "desk.example.com"],
    ["NEXTAUTH_URL", "ftp://desk.example.com"],
    ["AUTH_TRUST_HOST", "yes"],
    ["TRUSTED_PROXIES", "proxy.internal"],
    ["TRUSTED_PROXIES", "10.0.0.0/33"],
    ["TRUSTED_PROXIES", "10.0.0.1, 10.0.0.0/8/8"],
    ["TRUSTED_PROXIES", "::1/129"],
  ])("%s=%s", (name, value) => {
    const error = envError({ AUTH_SECRET: SECRET, [name]: value });
    expect(error.message).not.toContain("\n");
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${name} \\S`));
  });

  it("does not echo a rejected secret", () => {
    expect(envError({ AUTH_SECRET: "short-secret-value" }).message).not.toContain("short-secret-value");
  });
});

describe("parseEnv keeps real credentials away from the sandbox and off plain http", () => {
  it.each([["GSM_FUSION_USERNAME"], ["GSM_FUSION_API_KEY"]])(
    "refuses %s without GSM_FUSION_BASE_URL",
    (name) => {
      const error = envError({ AUTH_SECRET: SECRET, [name]: "value" });
      expect(error.message).toBe(
        "Invalid configuration: GSM_FUSION_BASE_URL is required when GSM Fusion credentials are set",
      );
    },
  );

  it("refuses a real https base URL without an API key, naming the missing one", () => {
    expect(
      envError({
        AUTH_SECRET: SECRET,
        GSM_FUSION_BASE_URL: "https://reseller.example.com",
        GSM_FUSION_USERNAME: "shop",
      }).message,
    ).toBe("Invalid configuration: GSM_FUSION_API_KEY is required with a real GSM_FUSION_BASE_URL");
    expect(
      envError({
        AUTH_SECRET: SECRET,
        GSM_FUSION_BASE_URL: "https://reseller.example.com",
        GSM_FUSION_API_KEY: "K",
      }).message,
    ).toBe("Invalid configuration: GSM_FUSION_USERNAME is required with a real GSM_FUSION_BASE_URL");
  });

  it("refuses http:// to a host that is not loopback", () => {
    const error = envError({
      AUTH_SECRET: SECRET,
      GSM_FUSION_BASE_URL: "http://reseller.example.com",
      GSM_FUSION_USERNAME: "shop",
      GSM_FUSION_API_KEY: "ABCD-EFGH-IJKL-MNOP-QRST",
    });
    expect(error.message).toMatch(/^Invalid configuration: GSM_FUSION_BASE_URL must use https:\/\//);
    expect(error.message).not.toContain("ABCD-EFGH-IJKL-MNOP-QRST");
  });

  it("does not take a look-alike host name for loopback", () => {
    const error = envError({ AUTH_SECRET: SECRET, GSM_FUSION_BASE_URL: "http://localhost.example.com" });
    expect(error.message).toMatch(/GSM_FUSION_USERNAME is required/);
  });
});

describe("AUTH_SECRET", () => {
  it("is required in production", () => {
    inTempCwd((dir) => {
      expect(envError({ NODE_ENV: "production" }).message).toBe(
        "Invalid configuration: AUTH_SECRET is required in production",
      );
      expect(existsSync(path.join(dir, "data"))).toBe(false);
    });
  });

  it("outside production is made once under data/auth-secret and reused", () => {
    inTempCwd((dir) => {
      const file = path.join(dir, "data", "auth-secret");
      const first = parseEnv({}).authSecret;
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(readFileSync(file, "utf8").trim()).toBe(first);
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(parseEnv({}).authSecret).toBe(first);
    });
  });
});

describe("sign-in behind proxies", () => {
  it("reads TRUSTED_PROXIES as IP addresses and CIDR ranges, IPv4 and IPv6", () => {
    const env = parseEnv({ AUTH_SECRET: SECRET, TRUSTED_PROXIES: " 127.0.0.1, 10.0.0.0/8,::1 ,fd00::/8" });
    expect(env.auth.trustedProxies).toEqual(["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]);
  });

  it("keeps NEXTAUTH_URL's origin, and trusts the Host header by default only outside production", () => {
    expect(parseEnv({ AUTH_SECRET: SECRET, NEXTAUTH_URL: "https://desk.example.com/" }).auth).toEqual({
      publicOrigin: "https://desk.example.com",
      trustHost: true,
      trustedProxies: [],
    });
    const production = { NODE_ENV: "production", AUTH_SECRET: SECRET };
    expect(parseEnv(production).auth.trustHost).toBe(false);
    expect(parseEnv({ ...production, AUTH_TRUST_HOST: "true" }).auth.trustHost).toBe(true);
    expect(parseEnv({ AUTH_SECRET: SECRET, AUTH_TRUST_HOST: "false" }).auth.trustHost).toBe(false);
  });

  it("the web server needs NEXTAUTH_URL or AUTH_TRUST_HOST=true in production", () => {
    const production = { NODE_ENV: "production", AUTH_SECRET: SECRET };
    expect(() => checkWebServerEnv(parseEnv(production))).toThrow(
      /^Invalid configuration: NEXTAUTH_URL is required in production/,
    );
    expect(() =>
      checkWebServerEnv(parseEnv({ ...production, NEXTAUTH_URL: "https://desk.example.com" })),
    ).not.toThrow();
    expect(() => checkWebServerEnv(parseEnv({ ...production, AUTH_TRUST_HOST: "true" }))).not.toThrow();
    expect(() => checkWebServerEnv(parseEnv({ AUTH_SECRET: SECRET }))).not.toThrow();
  });

  it('hands next-auth AUTH_TRUST_HOST only when it is on (next-auth takes even "false" as on)', async () => {
    for (const [value, expected] of [
      ["false", undefined],
      ["true", "true"],
    ] as const) {
      vi.stubEnv("AUTH_TRUST_HOST", value);
      vi.resetModules();
      const { getEnv } = await import("@/lib/env");
      getEnv();
      expect(process.env.AUTH_TRUST_HOST).toBe(expected);
    }
    vi.unstubAllEnvs();
  });
});
