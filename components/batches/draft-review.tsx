"use client";

import Link from "next/link";
import { useState } from "react";
import { stateInfo } from "@/components/orders/order-states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { DraftSummary, PriceChangedDetails } from "@/lib/batches/schemas";
import { formatCount, formatMoney, plural } from "@/lib/format";
import { InvalidLinesTable } from "./invalid-lines-table";

const REPEATS_SHOWN = 200;

/**
 * The server's priced draft: what will be placed and what it will cost. Nothing is placed until the
 * operator presses the button that states the count and the amount.
 */
export function DraftReview({
  draft,
  priceChange,
  isConfirming,
  onConfirm,
  onDiscard,
}: {
  draft: DraftSummary;
  /** Set when a confirm was refused because the price changed; `draft` already holds the new price. */
  priceChange?: PriceChangedDetails | null;
  isConfirming: boolean;
  onConfirm: (reorderRepeats: boolean) => void;
  onDiscard: () => void;
}) {
  const [reorderRepeats, setReorderRepeats] = useState(false);
  const repeats = new Set(draft.alreadyOrdered.map((o) => o.imei)).size;
  const one = repeats === 1;
  const cost = reorderRepeats ? draft.estimatedCostWithRepeats : draft.estimatedCost;
  const count = reorderRepeats ? draft.toSubmitWithRepeats : draft.toSubmit;
  const total = formatMoney(cost);

  return (
    <section aria-labelledby="draft-heading" className="space-y-6" data-testid="draft-review">
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="draft-heading" className="text-lg font-semibold text-slate-900">
          Review before placing
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {draft.service.title}
          {draft.sourceName ? ` · ${draft.sourceName}` : ""}
        </p>
        {priceChange ? (
          <div className="mt-4" data-testid="price-changed">
            <Alert tone="warning" title="The price changed: nothing was placed">
              <p>
                GSM Fusion now charges {formatMoney(priceChange.unitPrice)} per IMEI instead of{" "}
                {formatMoney(priceChange.previousUnitPrice)}, so the total is now {total}. Check it, then
                place the orders again.
              </p>
            </Alert>
          </div>
        ) : null}

        <div className="mt-6 flex flex-wrap items-end gap-x-12 gap-y-4">
          <div>
            <p className="text-sm font-medium text-slate-600">Estimated total</p>
            <p
              className="text-4xl font-bold tracking-tight text-slate-900 tabular-nums"
              data-testid="estimated-total"
            >
              {total}
            </p>
          </div>
          <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
            <Fact label="Orders to place" value={formatCount(count)} testId="orders-to-place" />
            <Fact label="Price per IMEI" value={formatMoney(draft.unitPrice)} testId="unit-price" />
            <Fact label="Lines read" value={formatCount(draft.total)} />
            <Fact label="Invalid (skipped)" value={formatCount(draft.invalid.length)} />
            <Fact label="Repeated in the file" value={formatCount(draft.duplicatesInBatch)} />
            <Fact label="Ordered before (result reused)" value={formatCount(repeats)} testId="reused-count" />
          </dl>
        </div>

        <p className="mt-6 text-sm text-slate-600">
          Nothing has been placed yet. Each IMEI is placed once; GSM Fusion charges as orders are placed. You
          can cancel the orders that are still queued later.
        </p>
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <Button
            size="lg"
            disabled={(count === 0 && repeats === 0) || isConfirming}
            onClick={() => onConfirm(reorderRepeats)}
          >
            {isConfirming
              ? "Placing…"
              : count === 0
                ? // Every IMEI was ordered before: confirming places nothing and gives the earlier results.
                  `Reuse ${plural(repeats, "earlier result")} for ${formatMoney("0")}`
                : `Place ${plural(count, "order")} for ${total}`}
          </Button>
          <Button variant="secondary" onClick={onDiscard} disabled={isConfirming}>
            Change the input
          </Button>
        </div>
      </div>

      {repeats > 0 ? (
        <div className="space-y-3">
          <h3 className="text-sm font-semibold text-slate-900" data-testid="reused-heading">
            {reorderRepeats
              ? `${plural(repeats, "IMEI")} ordered before for this service: ordered and paid again`
              : `${plural(repeats, "IMEI")} already checked: ${one ? "its result" : "their results"} will be reused, ${formatMoney("0")}`}
          </h3>
          <p className="text-sm text-slate-600">
            {one ? "It was" : "Each was"} ordered before for this service in another batch and is not placed
            again: the batch page and the results file show the earlier order&apos;s result.
          </p>
          <Table caption="IMEIs ordered before">
            <THead>
              <Tr>
                <Th className="w-20 text-right">Line</Th>
                <Th>IMEI</Th>
                <Th>Earlier order</Th>
              </Tr>
            </THead>
            <TBody>
              {draft.alreadyOrdered.slice(0, REPEATS_SHOWN).map((o, i) => (
                <Tr key={`${o.imei}-${o.orderId}-${i}`}>
                  <Td className="text-right font-mono text-slate-600 tabular-nums">{o.line}</Td>
                  <Td className="font-mono">{o.imei}</Td>
                  <Td>
                    <Link
                      href={`/orders/${o.orderId}`}
                      className="text-indigo-700 underline-offset-2 hover:underline"
                    >
                      <Badge tone={stateInfo(o.state).tone}>{stateInfo(o.state).label}</Badge>
                      <span className="sr-only">: open the earlier order</span>
                    </Link>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {draft.alreadyOrdered.length > REPEATS_SHOWN ? (
            <p className="text-sm text-slate-600">
              and {formatCount(draft.alreadyOrdered.length - REPEATS_SHOWN)} more
            </p>
          ) : null}
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              checked={reorderRepeats}
              onChange={(event) => setReorderRepeats(event.target.checked)}
              className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
            />
            <span>
              {one
                ? "Order it again instead of reusing its result (paid again:"
                : `Order these ${formatCount(repeats)} again instead of reusing their results (paid again:`}{" "}
              the total becomes {formatMoney(draft.estimatedCostWithRepeats)})
            </span>
          </label>
        </div>
      ) : null}

      {draft.invalid.length > 0 ? (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900">
            {plural(draft.invalid.length, "invalid line")}, skipped
          </h3>
          <InvalidLinesTable rows={draft.invalid} caption="Invalid lines found by the server" />
        </div>
      ) : null}
    </section>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-slate-600">{label}</dt>
      <dd className="font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
