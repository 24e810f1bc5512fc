import { describe, expect, it } from "vitest";
import { UpstreamError } from "@/lib/gsmfusion/errors";
import { registerSecret } from "@/lib/log";
import { EmptyCatalogueError, describeAge, describeCatalogueFailure, toCatalogueFailure } from "./status";

describe("describeAge", () => {
  const now = new Date("2025-11-15T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it.each([
    [0, "just now"],
    [59_000, "just now"],
    [60_000, "1 minute ago"],
    [5 * 60_000 + 30_000, "5 minutes ago"],
    [60 * 60_000, "1 hour ago"],
    [47 * 60 * 60_000, "47 hours ago"],
    [3 * 24 * 60 * 60_000, "3 days ago"],
    [-60_000, "just now"], // a clock a little ahead
  ])("%i ms → %j", (ms, text) => {
    expect(describeAge(ago(ms), now)).toBe(text);
  });
});

describe("toCatalogueFailure", () => {
  it("keeps an upstream failure's code and message, with secrets masked", () => {
    registerSecret("catalogue-secret-123");
    const failure = toCatalogueFailure(
      new UpstreamError({
        kind: "not_processed",
        code: "connection_refused",
        message: "refused catalogue-secret-123",
      }),
    );
    expect(failure).toMatchObject({ code: "connection_refused", message: "refused [redacted]" });
    expect(describeCatalogueFailure(failure).what).toMatch(/could not be reached/);
    expect(describeCatalogueFailure(failure).todo).toMatch(/GSM_FUSION_BASE_URL/);
  });

  it("recognises an UpstreamError from another copy of lib/gsmfusion (a separate Next.js bundle)", () => {
    // Another copy of the module defines its own class, but marks it with the same registered symbol.
    const brand: unique symbol = Symbol.for("imei-desk.UpstreamError") as never;
    class UpstreamError extends Error {
      override name = "UpstreamError";
      readonly [brand] = true;
      readonly kind = "not_processed";
      readonly code = "dns";
    }
    expect(toCatalogueFailure(new UpstreamError("lookup failed"))).toMatchObject({
      code: "dns",
      message: "lookup failed",
    });
  });

  it("names an empty listing, and hides the text of unexpected errors", () => {
    expect(toCatalogueFailure(new EmptyCatalogueError()).code).toBe("empty_catalogue");
    const internal = toCatalogueFailure(new Error("SQLITE_FULL: /var/data/imei-desk.db"));
    expect(internal.code).toBe("internal");
    expect(internal.message).not.toContain("SQLITE");
  });

  it("points bad credentials at the variables to check", () => {
    const auth = toCatalogueFailure(
      new UpstreamError({ kind: "refused", code: "auth", message: "Invalid User!" }),
    );
    expect(describeCatalogueFailure(auth).todo).toMatch(/GSM_FUSION_API_KEY/);
  });
});
