import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  addressFromForwardedFor,
  clientAddress,
  guardForwardedHeaders,
  normalizeAddress,
  toProxyList,
} from "@/lib/auth/client-address";

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["203.0.113.9:51234", "203.0.113.9"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each([[""], ["unknown"], ["evil.example"], ["1.2.3.4.5"], ["<script>"], ["9".repeat(100)]])(
    "%s is no address",
    (raw) => {
      expect(normalizeAddress(raw)).toBeNull();
    },
  );
});

describe("addressFromForwardedFor", () => {
  const proxies = toProxyList(["10.0.0.0/8", "127.0.0.1", "2001:db8::/32"]);

  it("reads the chain from the right, skipping trusted proxies", () => {
    expect(addressFromForwardedFor("203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(addressFromForwardedFor("6.6.6.6, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(addressFromForwardedFor("6.6.6.6, 203.0.113.9, 10.1.2.3", proxies)).toBe("203.0.113.9");
    expect(addressFromForwardedFor("203.0.113.9, 2001:db8::7, 127.0.0.1", proxies)).toBe("203.0.113.9");
  });

  it("takes the left-most hop when every hop is a proxy, and gives up on a hop that is no address", () => {
    expect(addressFromForwardedFor("10.0.0.5, 127.0.0.1", proxies)).toBe("10.0.0.5");
    expect(addressFromForwardedFor("203.0.113.9, garbage, 10.1.2.3", proxies)).toBeNull();
    expect(addressFromForwardedFor("", proxies)).toBeNull();
    expect(addressFromForwardedFor(null, proxies)).toBeNull();
  });
});

describe("the forwarded-headers guard on a real HTTP server", () => {
  let server: Server | undefined;
  let stop: (() => void) | undefined;
  afterEach(async () => {
    stop?.();
    stop = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** What a handler sees of a request sent with `headers` from 127.0.0.1. */
  async function seenBy(headers: Record<string, string>): Promise<IncomingHttpHeaders> {
    server = createServer((req, res) => res.end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, headers }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve(JSON.parse(body) as IncomingHttpHeaders));
      });
      req.on("error", reject);
      req.end();
    });
  }

  const forged = {
    "x-forwarded-for": "6.6.6.6",
    "x-real-ip": "6.6.6.6",
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
    forwarded: "for=6.6.6.6",
  };

  it("without TRUSTED_PROXIES strips every forwarding header, so only the peer's address counts", async () => {
    stop = guardForwardedHeaders([]);
    const seen = await seenBy({ ...forged, "x-other": "kept" });
    for (const name of Object.keys(forged)) expect(seen[name], name).toBeUndefined();
    expect(seen["x-other"]).toBe("kept");
    // What Next.js does next: it fills X-Forwarded-For with the socket's address.
    expect(clientAddress(new Headers({ "x-forwarded-for": "127.0.0.1" }))).toBe("127.0.0.1");
  });

  it("keeps the headers of a trusted proxy and reads the client from its chain", async () => {
    stop = guardForwardedHeaders(["127.0.0.1"]);
    const seen = await seenBy({ "x-forwarded-for": "6.6.6.6, 203.0.113.9", "x-forwarded-proto": "https" });
    expect(seen["x-forwarded-for"]).toBe("6.6.6.6, 203.0.113.9");
    expect(seen["x-forwarded-proto"]).toBe("https");
    expect(clientAddress({ "x-forwarded-for": seen["x-forwarded-for"] })).toBe("203.0.113.9");
  });

  it("knows no address where no guard runs, whatever the headers say", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6" }))).toBeNull();
  });
});
