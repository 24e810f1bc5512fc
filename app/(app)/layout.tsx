import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { requireUser } from "@/lib/auth/current";
import { getEnv } from "@/lib/env";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";
import { Providers } from "./providers";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={user} isSandbox={getEnv().upstream.isSandbox} timeZone={await getViewerTimeZone()}>
      <Providers>{children}</Providers>
    </AppShell>
  );
}
