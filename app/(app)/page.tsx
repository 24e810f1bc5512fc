import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { SignInNotice } from "@/components/layout/sign-in-notice";
import { requireUser } from "@/lib/auth/current";
import { getSignInNotice } from "@/lib/auth/login-activity";
import { actingScopeOf, isAdmin } from "@/lib/auth/permissions";
import { countUncertainOrders, listBatchSummaries } from "@/lib/batches/progress";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime, formatMoney } from "@/lib/format";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Dashboard" };

const STATUS_TONE = {
  draft: "gray",
  queued: "blue",
  running: "indigo",
  needs_attention: "amber",
  done: "green",
  cancelled: "gray",
} as const;

export default async function DashboardPage() {
  const user = await requireUser();
  const db = await getDb();
  // The dashboard is the user's own work list: batches they may act on, and orders they may decide.
  const scope = actingScopeOf(user);
  const [batches, uncertain, timeZone, signInNotice] = await Promise.all([
    listBatchSummaries(db, scope, { limit: 25 }),
    countUncertainOrders(db, scope),
    getViewerTimeZone(),
    getSignInNotice(db, user.id),
  ]);
  const newBatch = (
    <Link href="/batches/new" className={buttonClasses("primary")}>
      New batch
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Your batches, what they cost, and what needs a person."
        actions={batches.length > 0 ? newBatch : undefined}
      />
      {signInNotice ? <SignInNotice notice={signInNotice} timeZone={timeZone} /> : null}
      {uncertain > 0 ? (
        <div
          role="note"
          className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <strong>
            {formatCount(uncertain)} order{uncertain === 1 ? "" : "s"} need a decision.
          </strong>{" "}
          The answer from the upstream was lost, so they may or may not have been placed.{" "}
          <Link className="font-semibold underline" href="/attention">
            Decide them
          </Link>
        </div>
      ) : null}
      {batches.length === 0 ? (
        <EmptyState title="No batches yet" action={newBatch}>
          Drop a CSV or paste IMEIs, pick a service, check the count and the cost, then confirm. Every IMEI is
          placed exactly once and results come back on their own.
        </EmptyState>
      ) : (
        <Table caption="Recent batches">
          <THead>
            <Tr>
              <Th>Created</Th>
              <Th>Batch</Th>
              <Th>Service</Th>
              {isAdmin(user) ? <Th>Operator</Th> : null}
              <Th>Status</Th>
              <Th className="text-right">Progress</Th>
              <Th className="text-right">Estimated</Th>
            </Tr>
          </THead>
          <TBody>
            {batches.map((b) => (
              <Tr key={b.id}>
                <Td className="whitespace-nowrap text-slate-600">{formatDateTime(b.createdAt, timeZone)}</Td>
                <Td>
                  <Link className="font-medium text-indigo-700 hover:underline" href={`/batches/${b.id}`}>
                    {b.sourceName}
                  </Link>
                </Td>
                <Td className="max-w-xs truncate" title={b.serviceTitle}>
                  {b.serviceTitle}
                </Td>
                {isAdmin(user) ? <Td>{b.ownerEmail}</Td> : null}
                <Td>
                  <Badge tone={STATUS_TONE[b.status]}>{b.status}</Badge>{" "}
                  {b.uncertain > 0 ? <Badge tone="amber">{b.uncertain} uncertain</Badge> : null}
                </Td>
                <Td className="text-right tabular-nums">
                  {formatCount(b.finished)} / {formatCount(b.toSubmit)}
                </Td>
                <Td className="text-right tabular-nums">{formatMoney(b.estimatedCost)}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
