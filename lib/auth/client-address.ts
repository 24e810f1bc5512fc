/**
 * The client's IP address, for the sign-in limits and the audit trail, and which X-Forwarded-* headers to
 * believe.
 *
 * Next.js hands route handlers no socket: it only fills X-Forwarded-For (and -Host, -Proto) with the peer's
 * address when the request did not bring one, so a client could name any address it liked. The server
 * therefore strips every forwarding header at the door (Node's `http.server.request.start` diagnostics
 * channel, before Next.js sees the request) unless the TCP peer is one of TRUSTED_PROXIES. After that,
 * X-Forwarded-For is either the peer itself or a chain a trusted proxy appended to, read from the right.
 * Where the guard does not run (a test calling a handler directly) no address is known: null.
 */
import "server-only";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP, type Socket } from "node:net";

const CHANNEL = "http.server.request.start";
const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
];
// A longer chain is read from the right only this far: no shop sits behind more proxies.
const MAX_HOPS = 16;

type Guard = { trusted: BlockList; listener: (message: unknown) => void };
// Shared through globalThis: Next.js loads the instrumentation and the route bundles as separate modules.
const GUARD = Symbol.for("imei-desk.forwarded-headers-guard");
const holder = globalThis as { [GUARD]?: Guard };

/** An IP address as written in headers and socket fields, in one canonical form; null if it is none. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  let value = (raw ?? "").trim();
  if (!value || value.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped) value = mapped[1]!;
  const family = isIP(value);
  if (family === 0) return null;
  return family === 6 ? value.toLowerCase() : value;
}

/** TRUSTED_PROXIES entries (validated by lib/env.ts) as a list to check addresses against. */
export function toProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function isTrusted(list: BlockList, raw: string | undefined | null): boolean {
  const address = normalizeAddress(raw);
  if (!address) return false;
  return list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client in an X-Forwarded-For chain: the right-most hop that is not a trusted proxy (each proxy
 * appends the address it saw); the left-most when every hop is trusted. A hop that is not an address
 * breaks the chain: null.
 */
export function addressFromForwardedFor(value: string | null | undefined, trusted: BlockList): string | null {
  const hops = (value ?? "").split(",").slice(-MAX_HOPS);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const address = normalizeAddress(hops[i]);
    if (!address) return null;
    if (i === 0 || !isTrusted(trusted, address)) return address;
  }
  return null;
}

/**
 * Starts stripping forwarding headers from requests whose peer is not a trusted proxy, for every HTTP
 * server in this process. Called once at server start; calling again replaces the list. Returns a stop
 * function (for tests).
 */
export function guardForwardedHeaders(trustedProxies: readonly string[]): () => void {
  const previous = holder[GUARD];
  if (previous) unsubscribe(CHANNEL, previous.listener);
  const trusted = toProxyList(trustedProxies);
  const listener = (message: unknown) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (isTrusted(trusted, socket.remoteAddress)) return;
    for (const name of FORWARDING_HEADERS) delete request.headers[name];
  };
  subscribe(CHANNEL, listener);
  holder[GUARD] = { trusted, listener };
  return () => {
    unsubscribe(CHANNEL, listener);
    if (holder[GUARD]?.listener === listener) delete holder[GUARD];
  };
}

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

function readHeader(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? null);
}

/** The address of the client behind a request, or null when this process does not guard the headers. */
export function clientAddress(headers: HeaderSource): string | null {
  const guard = holder[GUARD];
  if (!guard) return null;
  return addressFromForwardedFor(readHeader(headers, "x-forwarded-for"), guard.trusted);
}
