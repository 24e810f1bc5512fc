import type { ReactNode } from "react";
import { listPagesFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import { NavLinks, type NavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { TimeZoneProvider } from "./time-zone";

export function AppShell({
  user,
  isSandbox,
  timeZone,
  attentionCount,
  children,
}: {
  user: AppUser;
  /** Uncertain orders the user may decide: the count on "Needs attention". */
  attentionCount: number;
  isSandbox: boolean;
  /** The zone times are shown in (the `tz` cookie, else UTC); the shell keeps the cookie up to date. */
  timeZone: string;
  children: ReactNode;
}) {
  // Only the pages this user may open: an operator is never shown a link that answers 403.
  const items: NavItem[] = listPagesFor(user).map(({ href, label }) => ({
    href,
    label,
    count: href === "/attention" ? attentionCount : undefined,
  }));
  return (
    <div className="min-h-screen">
      {isSandbox ? (
        <div
          role="status"
          className="bg-amber-400 px-4 py-1 text-center text-xs font-semibold tracking-wide text-amber-950"
        >
          SANDBOX — orders go to the built-in GSM Fusion simulator. Nothing is charged.
        </div>
      ) : null}
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex flex-wrap items-center gap-6">
            <span className="text-lg font-semibold tracking-tight text-indigo-700">IMEI Desk</span>
            <NavLinks items={items} />
          </div>
          <div className="flex items-center gap-3 text-sm">
            <span className="text-slate-600" data-testid="signed-in-user">
              {user.email}{" "}
              <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{user.role}</span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">
        <TimeZoneProvider timeZone={timeZone}>{children}</TimeZoneProvider>
      </main>
    </div>
  );
}
