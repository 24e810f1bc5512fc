import type { Metadata } from "next";
import { Suspense } from "react";
import { LoginForm } from "@/components/layout/login-form";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default function LoginPage() {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4">
      {getEnv().upstream.isSandbox ? (
        <p className="mb-4 rounded bg-amber-400 px-3 py-1 text-xs font-semibold text-amber-950">SANDBOX</p>
      ) : null}
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold text-slate-900">Sign in to IMEI Desk</h1>
        <p className="mt-1 text-sm text-slate-600">Use the account your admin gave you.</p>
        <Suspense>
          <LoginForm />
        </Suspense>
      </div>
    </div>
  );
}
