/**
 * The security headers of every answer, set by proxy.ts. Pages get a Content-Security-Policy with a fresh
 * nonce per request: Next.js reads it from the request's CSP header and puts it on its own inline scripts
 * and styles, so nothing else may run (every page renders per request for this; see app/layout.tsx). API
 * answers (JSON, CSV, event streams) may run and embed nothing at all.
 */

const PERMISSIONS = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"];

/** Headers that do not depend on the request. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // For browsers that predate frame-ancestors.
  "X-Frame-Options": "DENY",
  "Permissions-Policy": PERMISSIONS.map((feature) => `${feature}=()`).join(", "),
  "Cross-Origin-Opener-Policy": "same-origin",
};

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's policy. Style attributes (a progress bar's width) are allowed: they cannot run code, and a
 * nonce cannot cover an attribute. Development adds what React's dev tooling needs.
 */
export function pageCsp(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
