"use client";

import { useRouter } from "next/navigation";
import { ResolveOrder } from "@/components/batches/resolve-order";
import type { ApiOrder } from "@/lib/orders/schemas";

/** The three decisions on an uncertain order, on its own page; the page reloads with the outcome. */
export function OrderDecision({ order }: { order: ApiOrder }) {
  const router = useRouter();
  return (
    <ResolveOrder order={order} batchId={order.batchId} onDone={() => router.refresh()} canPutOff={false} />
  );
}
