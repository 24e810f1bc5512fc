import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { requireUser } from "@/lib/auth/current";
import { getEnv } from "@/lib/env";
import { Providers } from "./providers";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={user} isSandbox={getEnv().upstream.isSandbox}>
      <Providers>{children}</Providers>
    </AppShell>
  );
}
