"use client";

import { useId, useState, type FormEvent } from "react";
import { useResolveOrder } from "@/components/hooks/use-batch-actions";
import { Button } from "@/components/ui/button";
import type { ApiOrder, ResolveAction } from "@/lib/orders/schemas";
import { ApiErrorAlert } from "./api-error-alert";

type Action = ResolveAction["action"];

const CHOICES: { action: Action; label: string; help: string }[] = [
  {
    action: "placed",
    label: "It was placed",
    help: "GSM Fusion has this order. Enter its order id; the result is then fetched like any other.",
  },
  {
    action: "not_placed",
    label: "It was not placed",
    help: "GSM Fusion has no such order. It is queued and placed again (and charged once).",
  },
  {
    action: "write_off",
    label: "Write it off",
    help: "Stop tracking it: it is not placed again and no result is fetched.",
  },
];

/** A person's decision on an uncertain order (see the explanation above the table). */
export function ResolveOrder({
  order,
  batchId,
  onDone,
  canPutOff = true,
}: {
  order: ApiOrder;
  batchId: string;
  onDone: () => void;
  /** Offer "Not now" (closing the form); the order page keeps the form open instead. */
  canPutOff?: boolean;
}) {
  const id = useId();
  const [action, setAction] = useState<Action | null>(null);
  const [upstreamOrderId, setUpstreamOrderId] = useState("");
  const [inputError, setInputError] = useState<string | null>(null);
  const resolve = useResolveOrder({ orderId: order.id, batchId, onSuccess: onDone });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setInputError(null);
    if (!action) {
      setInputError("Choose what happened to this order.");
      return;
    }
    if (action === "placed") {
      const trimmed = upstreamOrderId.trim();
      if (!/^\d+$/.test(trimmed)) {
        setInputError("Enter the GSM Fusion order id (digits only), as shown in the site's order history.");
        return;
      }
      resolve.mutate({ action, upstreamOrderId: trimmed });
    } else {
      resolve.mutate({ action });
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3 py-2" aria-label={`Resolve the order for ${order.imei}`}>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900">
          What happened to <span className="font-mono">{order.imei}</span>?
        </legend>
        <div className="mt-2 grid gap-2 md:grid-cols-3">
          {CHOICES.map((choice) => (
            <label
              key={choice.action}
              className={`flex cursor-pointer gap-2 rounded-md border bg-white p-3 text-sm ${
                action === choice.action ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200"
              }`}
            >
              <input
                type="radio"
                name={`${id}-action`}
                value={choice.action}
                checked={action === choice.action}
                onChange={() => setAction(choice.action)}
                className="mt-0.5"
              />
              <span>
                <span className="block font-medium text-slate-900">{choice.label}</span>
                <span className="block text-slate-600">{choice.help}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {action === "placed" ? (
        <div>
          <label htmlFor={`${id}-upstream`} className="block text-sm font-medium text-slate-700">
            GSM Fusion order id
          </label>
          <input
            id={`${id}-upstream`}
            inputMode="numeric"
            autoComplete="off"
            value={upstreamOrderId}
            onChange={(event) => setUpstreamOrderId(event.target.value)}
            className="mt-1 block w-60 rounded-md border border-slate-300 px-3 py-1.5 font-mono text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
          />
        </div>
      ) : null}
      {inputError ? (
        <p role="alert" className="text-sm text-red-700">
          {inputError}
        </p>
      ) : null}
      {resolve.isError ? <ApiErrorAlert error={resolve.error} title="The order was not resolved" /> : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={resolve.isPending}>
          {resolve.isPending ? "Saving…" : "Save decision"}
        </Button>
        {canPutOff ? (
          <Button variant="ghost" onClick={onDone} disabled={resolve.isPending}>
            Not now
          </Button>
        ) : null}
      </div>
    </form>
  );
}
