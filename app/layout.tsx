import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "IMEI Desk", template: "%s · IMEI Desk" },
  description: "Bulk IMEI checks and unlocks, placed exactly once.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so that Next.js can put the request's CSP nonce on its scripts (a page
  // prerendered at build time, such as the 404, would carry none and be blocked).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
