import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { requireUser } from "@/lib/auth/current";
import { actingScopeOf } from "@/lib/auth/permissions";
import { countUncertainOrders } from "@/lib/batches/progress";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";
import { Providers } from "./providers";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const [attentionCount, timeZone] = await Promise.all([
    getDb().then((db) => countUncertainOrders(db, actingScopeOf(user))),
    getViewerTimeZone(),
  ]);
  return (
    <AppShell
      user={user}
      isSandbox={getEnv().upstream.isSandbox}
      timeZone={timeZone}
      attentionCount={attentionCount}
    >
      <Providers>{children}</Providers>
    </AppShell>
  );
}
