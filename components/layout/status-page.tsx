import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses, type ButtonVariant } from "@/components/ui/button";

/** The body of Next.js's own pages (not found, forbidden, error): what happened, and where to go next. */
export function StatusPage({
  code,
  title,
  children,
  actions,
}: {
  code?: string;
  title: string;
  children: ReactNode;
  actions: ReactNode;
}) {
  return (
    <section className="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white px-6 py-12 text-center">
      {code ? <p className="text-sm font-semibold text-indigo-700">{code}</p> : null}
      <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-3 space-y-2 text-sm text-slate-600">{children}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">{actions}</div>
    </section>
  );
}

/** Centres a status page where there is no app shell around it (the root not-found and error pages). */
export function BareStatusPage({ children }: { children: ReactNode }) {
  return <main className="flex min-h-screen items-center justify-center px-4">{children}</main>;
}

/** The way back that every status page offers. */
export function DashboardLink({ variant = "primary" }: { variant?: ButtonVariant }) {
  return (
    <Link href="/" className={buttonClasses(variant)}>
      Go to the dashboard
    </Link>
  );
}
