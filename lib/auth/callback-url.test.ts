import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";

const ORIGIN = "https://desk.shop.example";

describe("safeCallbackPath", () => {
  it.each([
    ["/orders", "/orders"],
    ["/orders?status=uncertain&imei=1#top", "/orders?status=uncertain&imei=1#top"],
    ["/batches/abc", "/batches/abc"],
    [`${ORIGIN}/statistics`, "/statistics"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
  ])("follows the same-origin path %j", (raw, expected) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    ["protocol-relative", "//evil.example"],
    ["backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["backslash then slash", "\\/evil.example"],
    ["tab", "/\t/evil.example"],
    ["newline", "/\n/evil.example"],
    ["carriage return", "/\r/evil.example"],
    ["leading space", " //evil.example"],
    ["dot segment", "/.//evil.example"],
    ["other origin", "https://evil.example/orders"],
    ["other scheme of this host", "http://desk.shop.example/orders"],
    ["other port of this host", "https://desk.shop.example:8443/orders"],
    ["look-alike host", "https://desk.shop.example.evil.example/"],
    ["userinfo", "https://desk.shop.example@evil.example/"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["JavaScript: mixed case", "JaVaScRiPt:alert(1)"],
    ["javascript: after a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["encoded javascript:", "javascript%3Aalert(1)"],
  ])("refuses %s", (_name, raw) => {
    const path = safeCallbackPath(raw, ORIGIN);
    expect(path.startsWith("/") && !path.startsWith("//")).toBe(true);
    // Whatever it gives back, a browser resolves it on this origin.
    expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
    if (!raw.startsWith("javascript%3A")) expect(path).toBe("/");
  });

  it("gives / for nothing, or an origin it cannot parse", () => {
    expect(safeCallbackPath(null, ORIGIN)).toBe("/");
    expect(safeCallbackPath("", ORIGIN)).toBe("/");
    expect(safeCallbackPath("/orders", "not an origin")).toBe("/");
  });
});
