import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    <>
      <PageHeader title="Dashboard" description="Your batches, what they cost, and what needs a person." />
      <EmptyState
        title="No batches yet"
        action={
          <Link href="/batches/new" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
            Start a batch
          </Link>
        }
      >
        Drop a CSV or paste IMEIs, pick a service, check the count and the cost, then confirm. Every IMEI is placed
        exactly once and results come back on their own.
      </EmptyState>
    </>
  );
}
