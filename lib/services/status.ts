/**
 * What the Services page says about the cache: how old it is, and, when a refresh failed, why in plain
 * words and what to do. Messages go through `redactText` so nothing secret reaches a page.
 */
import { isUpstreamError, type UpstreamFailureCode } from "@/lib/gsmfusion/errors";
import { redactText } from "@/lib/log";

/** A refused refresh: the upstream answered, but with no services, which would empty the catalogue. */
export class EmptyCatalogueError extends Error {
  override name = "EmptyCatalogueError";
  constructor() {
    super("GSM Fusion listed no IMEI services; the cached catalogue was kept");
  }
}

export type CatalogueFailureCode = UpstreamFailureCode | "empty_catalogue" | "internal";

/** A failed refresh, safe to show and to keep in memory. */
export type CatalogueFailure = { code: CatalogueFailureCode; message: string; at: Date };

export function toCatalogueFailure(error: unknown, at = new Date()): CatalogueFailure {
  // isUpstreamError recognises errors from any copy of lib/gsmfusion (Next.js may load it per bundle).
  if (isUpstreamError(error)) return { code: error.code, message: redactText(error.message), at };
  if (error instanceof Error && error.name === "EmptyCatalogueError") {
    return { code: "empty_catalogue", message: error.message, at };
  }
  return { code: "internal", message: "The catalogue could not be saved. The error has been logged.", at };
}

const ADVICE: Record<CatalogueFailureCode, { what: string; todo: string }> = {
  auth: {
    what: "GSM Fusion turned down the user name or API key.",
    todo: "Check GSM_FUSION_USERNAME and GSM_FUSION_API_KEY, and that the base URL uses https://.",
  },
  connection_refused: {
    what: "The GSM Fusion site could not be reached (the connection was refused).",
    todo: "Check GSM_FUSION_BASE_URL and that the site is up, then reload this page.",
  },
  dns: {
    what: "The GSM Fusion site's host name could not be found.",
    todo: "Check GSM_FUSION_BASE_URL for typos and this server's DNS, then reload this page.",
  },
  timeout: {
    what: "The GSM Fusion site did not answer in time.",
    todo: "The site may be slow or down. Reload this page in a minute.",
  },
  reset: {
    what: "The connection to the GSM Fusion site dropped.",
    todo: "Reload this page in a minute; if it keeps happening, check the network between this server and the site.",
  },
  bad_gateway: {
    what: "The GSM Fusion site (or a proxy in front of it) answered with a server error.",
    todo: "Reload this page in a few minutes.",
  },
  unavailable: {
    what: "The GSM Fusion site says it is temporarily unavailable.",
    todo: "Reload this page in a few minutes.",
  },
  rate_limited: {
    what: "The GSM Fusion site asked us to slow down.",
    todo: "Reload this page in a minute.",
  },
  circuit_open: {
    what: "Recent calls to the GSM Fusion site kept failing, so calls are paused for a short while.",
    todo: "Wait about 30 seconds and reload this page.",
  },
  unreadable: {
    what: "The GSM Fusion site's answer could not be read (it may be an error page from a proxy).",
    todo: "Check GSM_FUSION_BASE_URL points at the reseller site, then reload this page.",
  },
  too_large: {
    what: "The GSM Fusion site's answer was too large to read (over 4 MB).",
    todo: "Check GSM_FUSION_BASE_URL points at the reseller site's API, then reload this page.",
  },
  upstream_error: {
    what: "The GSM Fusion site refused the request.",
    todo: "Read the site's message below; if it persists, contact the reseller.",
  },
  duplicate: {
    what: "The GSM Fusion site refused the request.",
    todo: "Reload this page; if it persists, contact the reseller.",
  },
  no_order_id: {
    what: "The GSM Fusion site's answer was incomplete.",
    todo: "Reload this page in a minute.",
  },
  empty_catalogue: {
    what: "The GSM Fusion site listed no IMEI services.",
    todo: "Check that this account has services enabled with the reseller, then reload this page.",
  },
  internal: {
    what: "The catalogue could not be saved.",
    todo: "The error has been logged; an admin should check the server log.",
  },
};

/** Plain words for a failed refresh: what happened and what to do. */
export function describeCatalogueFailure(failure: CatalogueFailure): { what: string; todo: string } {
  // A code this module does not know (a newer lib/gsmfusion, another bundle's copy) still gets words.
  return ADVICE[failure.code] ?? ADVICE.upstream_error;
}

/** "just now", "1 minute ago", "5 minutes ago", "2 hours ago", "3 days ago". */
export function describeAge(since: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 1) return "just now";
  const [amount, unit] =
    minutes < 60
      ? [minutes, "minute"]
      : minutes < 48 * 60
        ? [Math.floor(minutes / 60), "hour"]
        : [Math.floor(minutes / 1440), "day"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"} ago`;
}
