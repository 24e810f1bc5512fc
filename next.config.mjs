/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
};

export default nextConfig;
