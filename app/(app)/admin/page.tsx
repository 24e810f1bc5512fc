import Link from "next/link";
import { ShopSettingsForm } from "@/components/admin/shop-settings-form";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/admin/audit";
import { readShopSettings } from "@/lib/admin/settings";
import { requireAdmin } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireAdmin();
  const db = await getDb();
  const [settings, events, timeZone] = await Promise.all([
    readShopSettings(db),
    listAuditEvents(db, { limit: 50 }),
    getViewerTimeZone(),
  ]);
  return (
    <>
      <PageHeader title="Admin" description="Shop settings and the audit trail." />
      <div className="mb-8">
        <ShopSettingsForm initial={settings} />
      </div>
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Recent audit events</h2>
      {events.length === 0 ? (
        <EmptyState title="No audit events">
          Sign-ins, confirmations, cancellations and exports are recorded here.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">When</th>
                <th className="px-3 py-2">Who</th>
                <th className="px-3 py-2">Action</th>
                <th className="px-3 py-2">Target</th>
                <th className="px-3 py-2">IP</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">
                    {formatDateTime(e.createdAt, timeZone, { seconds: true })}
                  </td>
                  <td className="px-3 py-2">{e.actor?.email ?? "—"}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-3 py-2 text-slate-600">
                    {e.target?.href ? (
                      <Link href={e.target.href} className="text-indigo-700 hover:underline">
                        {e.target.label}
                      </Link>
                    ) : (
                      (e.target?.label ?? "—")
                    )}
                  </td>
                  <td className="px-3 py-2 text-slate-500">{e.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
