/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "pg",
    "@prisma/adapter-pg",
    // Bundled, its old dependencies call `new Buffer()` from outside node_modules and Node warns on every start.
    "exceljs",
  ],
  poweredByHeader: false,
  // forbidden() and app/(app)/forbidden.tsx: a page a role may not see answers a real 403.
  experimental: { authInterrupts: true },
  // proxy.ts sets every security header (lib/security-headers.ts) on pages and API answers; the files it
  // does not see (built scripts and styles, the favicon) still must not be sniffed as another type.
  async headers() {
    return [{ source: "/:path*", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] }];
  },
  // Separate build folders let several builds (parallel browser-test runs, say) share one checkout.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
