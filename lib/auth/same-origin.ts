/**
 * Cross-site request forgery: a browser sends the session cookie with a request another site starts, so
 * a state-changing request authenticated by the cookie must prove it came from this origin (Origin, or
 * Sec-Fetch-Site where a browser sends no Origin) and carry JSON (a plain HTML form can send text/plain
 * or form data, never JSON, across sites). Bearer-token requests carry no ambient credential and skip this.
 */
import "server-only";
import { AppError } from "@/lib/errors";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function parseHost(origin: string): { origin: string; host: string } | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:"
      ? { origin: url.origin, host: url.host }
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether the request comes from this app's own pages. With NEXTAUTH_URL (`publicOrigin`) the Origin must
 * be exactly it; otherwise its host must be the one the request was sent to (Host, the URL Next.js built
 * from it, or X-Forwarded-Host, which only a trusted proxy can set: lib/auth/client-address.ts). A
 * browser lets no other site choose any of these.
 */
export function isSameOrigin(req: Request, publicOrigin: string | null): boolean {
  const origin = req.headers.get("origin");
  if (origin === null) return req.headers.get("sec-fetch-site") === "same-origin";
  const sender = parseHost(origin);
  if (!sender) return false;
  if (publicOrigin) return sender.origin === publicOrigin;
  const hosts = [
    req.headers.get("x-forwarded-host")?.split(",")[0]?.trim(),
    req.headers.get("host"),
    new URL(req.url).host,
  ];
  return hosts.some((host) => host?.toLowerCase() === sender.host);
}

function isJson(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

function hasBody(headers: Headers): boolean {
  return Number(headers.get("content-length") ?? 0) > 0 || headers.has("transfer-encoding");
}

/** Throws for a state-changing cookie request from another site, or with a body that is not JSON. */
export function checkCookieRequest(req: Request, publicOrigin: string | null): void {
  if (!UNSAFE_METHODS.has(req.method.toUpperCase())) return;
  if (!isSameOrigin(req, publicOrigin)) {
    throw new AppError(
      "forbidden",
      "This request did not come from IMEI Desk's own pages, so the session cookie does not count for it. Scripts send Authorization: Bearer <token>.",
    );
  }
  const type = req.headers.get("content-type");
  if (type ? !isJson(type) : hasBody(req.headers)) {
    throw new AppError(
      "unsupported_media_type",
      "Send the body as JSON, with Content-Type: application/json.",
    );
  }
}
