"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { ApiErrorAlert } from "@/components/batches/api-error-alert";
import { useResolveInBulk } from "@/components/hooks/use-batch-actions";
import { useTimeZone } from "@/components/layout/time-zone";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import { parsePastedPairs, type PastedPairs } from "@/lib/orders/paste-pairs";
import type { BulkResolveResult } from "@/lib/orders/schemas";

/** One uncertain order as the list shows it; `waiting` is the machine's note on what it waits for, if any. */
export type AttentionRow = {
  id: string;
  imei: string;
  serviceTitle: string;
  batchId: string;
  batchName: string;
  ownerEmail: string;
  since: string;
  why: string | null;
  waiting?: string | null;
};

type Choice = "write_off" | "not_placed";

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;

/** The needs-attention list: select many uncertain orders and decide them at once, or link pasted ids. */
export function AttentionList({
  orders,
  showOwner,
  empty,
}: {
  orders: AttentionRow[];
  showOwner: boolean;
  /** Shown instead of the list when nothing is left; the outcome of the last decision stays above it. */
  empty: ReactNode;
}) {
  const id = useId();
  const router = useRouter();
  const timeZone = useTimeZone();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [choice, setChoice] = useState<Choice | null>(null);
  const [note, setNote] = useState("");
  const [pasted, setPasted] = useState("");
  const [pasteErrors, setPasteErrors] = useState<PastedPairs["errors"]>([]);
  const [result, setResult] = useState<BulkResolveResult | null>(null);
  const bulk = useResolveInBulk({
    onSuccess: (answer) => {
      setResult(answer);
      setSelected(new Set());
      setChoice(null);
      setNote("");
      if (answer.action === "placed" && answer.refused === 0) setPasted("");
      router.refresh();
    },
  });

  const visible = orders.filter((o) => selected.has(o.id));
  const allSelected = orders.length > 0 && visible.length === orders.length;
  const toggle = (orderId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(orderId)) next.add(orderId);
      return next;
    });

  function decideSelected() {
    if (!choice || visible.length === 0) return;
    setResult(null);
    setPasteErrors([]);
    const orderIds = visible.map((o) => o.id);
    bulk.mutate(
      choice === "write_off"
        ? { action: "write_off", orderIds, ...(note.trim() ? { note: note.trim() } : {}) }
        : { action: "not_placed", orderIds },
    );
  }

  function linkPasted() {
    setResult(null);
    const { pairs, errors } = parsePastedPairs(pasted);
    setPasteErrors(
      errors.length === 0 && pairs.length === 0
        ? [{ line: 1, message: "paste at least one line: an IMEI and its GSM Fusion order id" }]
        : errors,
    );
    if (pairs.length > 0) bulk.mutate({ action: "placed", pairs });
  }

  if (orders.length === 0)
    return (
      <>
        <Outcome result={result} pasteErrors={pasteErrors} />
        {empty}
      </>
    );

  return (
    <div className="space-y-6">
      <div className="grid gap-4 lg:grid-cols-2">
        <section
          aria-labelledby={`${id}-selected`}
          className="rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id={`${id}-selected`} className="text-sm font-semibold text-slate-900">
            Decide the selected orders
          </h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="selected-count">
            {formatCount(visible.length)} of {plural(orders.length, "order")} selected.
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button
              variant="secondary"
              disabled={visible.length === 0 || bulk.isPending}
              onClick={() => setChoice("not_placed")}
            >
              Queue again…
            </Button>
            <Button
              variant="danger"
              disabled={visible.length === 0 || bulk.isPending}
              onClick={() => setChoice("write_off")}
            >
              Write off…
            </Button>
          </div>
          {choice && visible.length > 0 ? (
            <div
              className="mt-3 space-y-2 rounded-md bg-slate-50 p-3 text-sm"
              role="group"
              aria-label="Confirm"
            >
              {choice === "not_placed" ? (
                <p>
                  Queue {plural(visible.length, "order")} again? Each is placed again and charged once. If GSM
                  Fusion already has one, it refuses the repeat and the order comes back here: it is never
                  paid twice.
                </p>
              ) : (
                <>
                  <p>
                    Write off {plural(visible.length, "order")}? They are not placed again and no result is
                    fetched. They may have been charged, so they stay in spend as{" "}
                    <em>written off (possibly charged)</em>.
                  </p>
                  <label className="block text-slate-700" htmlFor={`${id}-note`}>
                    Note (optional)
                  </label>
                  <input
                    id={`${id}-note`}
                    value={note}
                    maxLength={500}
                    onChange={(event) => setNote(event.target.value)}
                    className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm"
                  />
                </>
              )}
              <div className="flex flex-wrap gap-2">
                <Button
                  variant={choice === "write_off" ? "danger" : "primary"}
                  onClick={decideSelected}
                  disabled={bulk.isPending}
                >
                  {bulk.isPending
                    ? "Saving…"
                    : choice === "write_off"
                      ? `Write off ${plural(visible.length, "order")}`
                      : `Queue ${plural(visible.length, "order")} again`}
                </Button>
                <Button variant="ghost" onClick={() => setChoice(null)} disabled={bulk.isPending}>
                  Cancel
                </Button>
              </div>
            </div>
          ) : null}
        </section>

        <section aria-labelledby={`${id}-paste`} className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id={`${id}-paste`} className="text-sm font-semibold text-slate-900">
            Link orders you found on GSM Fusion
          </h2>
          <label htmlFor={`${id}-pairs`} className="mt-1 block text-sm text-slate-600">
            Paste an IMEI and its GSM Fusion order id per line, as copied from the site&apos;s order export
            (tabs, commas or semicolons; a header line is skipped). Each id is checked with GSM Fusion first.
          </label>
          <textarea
            id={`${id}-pairs`}
            value={pasted}
            onChange={(event) => setPasted(event.target.value)}
            rows={5}
            spellCheck={false}
            placeholder={"IMEI\tOrder ID\n356938035643809\t1234567"}
            className="mt-2 block w-full rounded-md border border-slate-300 px-3 py-1.5 font-mono text-sm"
          />
          <Button className="mt-2" onClick={linkPasted} disabled={bulk.isPending || pasted.trim() === ""}>
            {bulk.isPending ? "Checking…" : "Check and link"}
          </Button>
        </section>
      </div>

      {bulk.isError ? <ApiErrorAlert error={bulk.error} title="Nothing was decided" /> : null}
      <Outcome result={result} pasteErrors={pasteErrors} />

      <Table caption="Orders that need a decision">
        <THead>
          <Tr>
            <Th className="w-10">
              <input
                type="checkbox"
                aria-label={`Select all ${plural(orders.length, "order")}`}
                checked={allSelected}
                onChange={() => setSelected(allSelected ? new Set() : new Set(orders.map((o) => o.id)))}
              />
            </Th>
            <Th>Order</Th>
            <Th className="hidden sm:table-cell">Batch</Th>
            <Th className="hidden sm:table-cell">Why</Th>
          </Tr>
        </THead>
        <TBody>
          {orders.map((o) => (
            <Tr key={o.id}>
              <Td className="align-top">
                <input
                  type="checkbox"
                  aria-label={`Select ${o.imei}`}
                  checked={selected.has(o.id)}
                  onChange={() => toggle(o.id)}
                />
              </Td>
              <Td className="align-top">
                <Link className="font-mono text-indigo-700 hover:underline" href={`/orders/${o.id}`}>
                  {o.imei}
                </Link>
                <span className="block max-w-56 truncate text-xs text-slate-600" title={o.serviceTitle}>
                  {o.serviceTitle}
                </span>
                {/* A phone has no room for more columns: the batch and the reason go under the IMEI. */}
                <div className="mt-1 space-y-1 text-sm sm:hidden">
                  <BatchCell order={o} showOwner={showOwner} timeZone={timeZone} />
                  <p className="text-slate-700">
                    <WhyCell order={o} />
                  </p>
                </div>
              </Td>
              <Td className="hidden align-top sm:table-cell">
                <BatchCell order={o} showOwner={showOwner} timeZone={timeZone} />
              </Td>
              <Td className="hidden min-w-40 align-top text-slate-700 sm:table-cell">
                <WhyCell order={o} />
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

function BatchCell({
  order,
  showOwner,
  timeZone,
}: {
  order: AttentionRow;
  showOwner: boolean;
  timeZone: string;
}) {
  return (
    <>
      <Link
        className="block max-w-48 truncate text-indigo-700 hover:underline"
        href={`/batches/${order.batchId}`}
        title={order.batchName}
      >
        {order.batchName}
      </Link>
      <span className="block text-xs whitespace-nowrap text-slate-600">
        since {formatDateTime(order.since, timeZone)}
      </span>
      {showOwner ? <span className="block text-xs text-slate-600">{order.ownerEmail}</span> : null}
    </>
  );
}

function WhyCell({ order }: { order: AttentionRow }) {
  return (
    <>
      {order.why ?? "The answer was lost."}
      {order.waiting ? <span className="block text-xs text-amber-800">{order.waiting}</span> : null}
    </>
  );
}

function Outcome({
  result,
  pasteErrors,
}: {
  result: BulkResolveResult | null;
  pasteErrors: PastedPairs["errors"];
}) {
  const refused = result?.results.filter((r) => r.outcome === "refused") ?? [];
  const lines = [
    ...pasteErrors.map((e) => ({ key: `p${e.line}`, where: `Line ${e.line}`, message: e.message })),
    ...refused.map((r, i) => ({
      key: `r${i}`,
      where:
        [r.line ? `Line ${r.line}` : null, r.imei ? `IMEI ${r.imei}` : null].filter(Boolean).join(" · ") ||
        `Order ${r.orderId}`,
      message: r.message ?? "refused",
    })),
  ];
  if (!result && lines.length === 0) return null;
  const title = result
    ? `${plural(result.resolved, "order")} decided${lines.length > 0 ? `, ${formatCount(lines.length)} not` : ""}.`
    : "Nothing was sent: no line could be read.";
  return (
    <Alert tone={lines.length > 0 ? "warning" : "success"} title={title}>
      {lines.length > 0 ? (
        <ul className="list-disc space-y-1 pl-5" data-testid="refused-lines">
          {lines.map((l) => (
            <li key={l.key}>
              <span className="font-medium">{l.where}:</span> {l.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
