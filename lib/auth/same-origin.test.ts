import { describe, expect, it } from "vitest";
import { checkCookieRequest, isSameOrigin } from "@/lib/auth/same-origin";
import { AppError } from "@/lib/errors";

const post = (headers: Record<string, string>, url = "http://desk.local:3000/api/v1/batches") =>
  new Request(url, { method: "POST", headers });

describe("isSameOrigin", () => {
  it("without NEXTAUTH_URL compares the Origin's host with the host the request was sent to", () => {
    expect(isSameOrigin(post({ origin: "http://desk.local:3000" }), null)).toBe(true);
    expect(isSameOrigin(post({ origin: "https://desk.local:3000" }), null)).toBe(true);
    expect(isSameOrigin(post({ origin: "http://desk.local:3001" }), null)).toBe(false);
    expect(isSameOrigin(post({ origin: "http://evil.example" }), null)).toBe(false);
    expect(isSameOrigin(post({ origin: "http://desk.local.evil.example:3000" }), null)).toBe(false);
    const proxied = post({ origin: "https://desk.shop.example", "x-forwarded-host": "desk.shop.example" });
    expect(isSameOrigin(proxied, null)).toBe(true);
  });

  it("with NEXTAUTH_URL wants exactly that origin", () => {
    const origin = "https://desk.shop.example";
    expect(isSameOrigin(post({ origin }), origin)).toBe(true);
    expect(isSameOrigin(post({ origin: "http://desk.shop.example" }), origin)).toBe(false);
    expect(isSameOrigin(post({ origin: "http://desk.local:3000" }), origin)).toBe(false);
  });

  it("refuses an opaque or malformed Origin, and goes by Sec-Fetch-Site only without one", () => {
    expect(isSameOrigin(post({ origin: "null" }), null)).toBe(false);
    expect(isSameOrigin(post({ origin: "not a url" }), null)).toBe(false);
    expect(isSameOrigin(post({ origin: "null", "sec-fetch-site": "same-origin" }), null)).toBe(false);
    expect(isSameOrigin(post({ "sec-fetch-site": "same-origin" }), null)).toBe(true);
    for (const site of ["same-site", "cross-site", "none"]) {
      expect(isSameOrigin(post({ "sec-fetch-site": site }), null), site).toBe(false);
    }
    expect(isSameOrigin(post({}), null)).toBe(false);
  });
});

describe("checkCookieRequest", () => {
  const codeOf = (req: Request) => {
    try {
      checkCookieRequest(req, null);
      return "ok";
    } catch (error) {
      return error instanceof AppError ? `${error.status} ${error.code}` : String(error);
    }
  };
  const sameOrigin = { origin: "http://desk.local:3000" };

  it("lets safe methods through from anywhere", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const req = new Request("http://desk.local:3000/api/v1/me", {
        method,
        headers: { origin: "http://evil.example" },
      });
      expect(codeOf(req), method).toBe("ok");
    }
  });

  it("refuses every state-changing method from another site", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const req = new Request("http://desk.local:3000/api/v1/tokens/t1", {
        method,
        headers: { origin: "http://evil.example", "content-type": "application/json" },
      });
      expect(codeOf(req), method).toBe("403 forbidden");
    }
  });

  it("wants a JSON body: no text/plain, form data or untyped body", () => {
    const withBody = (type: string | null) =>
      new Request("http://desk.local:3000/api/v1/batches", {
        method: "POST",
        headers: { ...sameOrigin, ...(type ? { "content-type": type } : {}) },
        body: '{"serviceId":"1"}',
      });
    expect(codeOf(withBody("application/json"))).toBe("ok");
    expect(codeOf(withBody("application/json; charset=utf-8"))).toBe("ok");
    expect(codeOf(withBody("application/merge-patch+json"))).toBe("ok");
    for (const type of ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"]) {
      expect(codeOf(withBody(type)), type).toBe("415 unsupported_media_type");
    }
    expect(codeOf(withBody("multipart/form-data; boundary=x"))).toBe("415 unsupported_media_type");
    const untyped = post({ ...sameOrigin, "content-length": "17" });
    expect(codeOf(untyped)).toBe("415 unsupported_media_type");
    expect(codeOf(post(sameOrigin))).toBe("ok");
  });
});
