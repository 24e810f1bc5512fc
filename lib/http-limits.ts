/**
 * Node answers 431 to a request whose headers pass 16 KiB, and a GET's URL is a header: an IMEI-list
 * search (`GET /api/v1/orders?imei=…`, up to 10,000 IMEIs of 15 digits, about 160 KB) needs more. The
 * servers the project starts (npm start/dev, the demo, the browser tests' server) raise the limit.
 */
export const MAX_HTTP_HEADER_BYTES = 256 * 1024;

/** `NODE_OPTIONS` for a Next.js server process: the caller's own options plus the raised header limit. */
export function serverNodeOptions(existing: string | undefined): string {
  return [existing, `--max-http-header-size=${MAX_HTTP_HEADER_BYTES}`].filter(Boolean).join(" ");
}
