"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useDeferredValue, useState, type ReactNode } from "react";
import { useConfirmBatch, useCreateDraft } from "@/components/hooks/use-batch-actions";
import { useServices } from "@/components/hooks/use-services";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import type { DraftSummary, PriceChangedDetails } from "@/lib/batches/schemas";
import { readPriceChange } from "@/lib/client/api";
import { formatCount } from "@/lib/format";
import type { ApiService } from "@/lib/services/schemas";
import { ApiErrorAlert } from "./api-error-alert";
import { DraftReview } from "./draft-review";
import { ImeiSourceInput, type ImeiSource } from "./imei-source";
import { LocalPreviewPanel } from "./local-preview-panel";
import { ServicePicker } from "./service-picker";
import { useLocalPreview } from "./use-local-preview";

/**
 * New batch: pick a service, add IMEIs (file or paste), see the browser's preview, get the server's priced
 * draft, confirm. Changing the service or the IMEIs drops the draft, so what is confirmed is always what
 * was reviewed.
 */
export function NewBatchForm() {
  const router = useRouter();
  const services = useServices();
  const [service, setService] = useState<ApiService | null>(null);
  const [source, setSource] = useState<ImeiSource | null>(null);
  const text = useDeferredValue(source?.text ?? "");
  const { preview, isParsing } = useLocalPreview(text);

  const draft = useCreateDraft();
  // A confirm refused because the price changed: the draft as the server now holds it, at the new price.
  const [priceChange, setPriceChange] = useState<PriceChangedDetails | null>(null);
  const confirm = useConfirmBatch({
    onSuccess: (progress) => router.push(`/batches/${encodeURIComponent(progress.id)}`),
    onError: (error) => {
      const change = readPriceChange(error);
      if (!change) return;
      setPriceChange(change);
      // The picked service shows the new price too.
      setService((picked) =>
        picked?.id === change.serviceId ? { ...picked, price: change.unitPrice } : picked,
      );
    },
  });
  const reviewed: DraftSummary | undefined =
    draft.data && priceChange
      ? {
          ...draft.data,
          unitPrice: priceChange.unitPrice,
          estimatedCost: priceChange.estimatedCost,
          estimatedCostWithRepeats: priceChange.estimatedCostWithRepeats,
        }
      : draft.data;

  function discardDraft() {
    draft.reset();
    confirm.reset();
    setPriceChange(null);
  }

  const blocker = !service
    ? "Choose a service first."
    : !source
      ? "Add IMEIs: choose a file or paste them."
      : isParsing || !preview
        ? "Reading the IMEIs…"
        : preview.problems.length > 0
          ? "Fix the problems with the file above, then upload it again."
          : preview.unique === 0
            ? "There are no valid IMEIs to place."
            : null;

  function requestDraft() {
    if (!service || !source || blocker) return;
    confirm.reset();
    setPriceChange(null);
    draft.mutate({
      serviceId: service.id,
      csv: source.text,
      name: source.kind === "file" ? source.name : "pasted",
    });
  }

  return (
    <div className="space-y-8">
      <Step number={1} title="Choose a service">
        {services.isPending ? (
          <Skeleton className="h-10 w-full" />
        ) : services.isError ? (
          <ApiErrorAlert
            error={services.error}
            title="The service list could not be loaded"
            action={
              <Button variant="secondary" size="sm" onClick={() => void services.refetch()}>
                Try again
              </Button>
            }
          />
        ) : services.data.services.length === 0 ? (
          <EmptyState
            title="No services to choose from"
            action={
              <Link href="/services" className={buttonClasses("secondary")}>
                Open Services
              </Link>
            }
          >
            The catalogue is empty: IMEI Desk has not loaded it from GSM Fusion yet, or the site listed no
            IMEI services. The Services page says why and can refresh it.
          </EmptyState>
        ) : (
          <ServicePicker
            services={services.data.services}
            value={service}
            onChange={(next) => {
              setService(next);
              discardDraft();
            }}
          />
        )}
      </Step>

      <Step number={2} title="Add IMEIs">
        <ImeiSourceInput
          onChange={(next) => {
            setSource(next);
            discardDraft();
          }}
        />
        <div className="mt-4">
          {isParsing ? (
            <p role="status" className="text-sm text-slate-600">
              Reading {formatCount(Math.round(text.length / 1024))} KB…
            </p>
          ) : preview ? (
            <LocalPreviewPanel preview={preview} isCompact={draft.data !== undefined} />
          ) : null}
        </div>
      </Step>

      <Step number={3} title="Review the cost">
        {reviewed ? (
          <DraftReview
            draft={reviewed}
            priceChange={priceChange}
            isConfirming={confirm.isPending || confirm.isSuccess}
            onConfirm={(reorderRepeats) =>
              confirm.mutate({ id: reviewed.id, reorderRepeats, unitPrice: reviewed.unitPrice })
            }
            onDiscard={discardDraft}
          />
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={requestDraft} disabled={blocker !== null || draft.isPending}>
              {draft.isPending ? "Pricing…" : "Review cost"}
            </Button>
            <p className="text-sm text-slate-600">
              {blocker ??
                "The server checks the IMEIs again, looks for earlier orders and prices the batch. Nothing is placed yet."}
            </p>
          </div>
        )}
        {draft.isError ? (
          <div className="mt-4">
            <ApiErrorAlert error={draft.error} title="The batch could not be priced" />
          </div>
        ) : null}
        {confirm.isError && !readPriceChange(confirm.error) ? (
          <div className="mt-4">
            <ApiErrorAlert error={confirm.error} title="The batch was not confirmed" />
          </div>
        ) : null}
      </Step>
    </div>
  );
}

function Step({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`step-${number}`}>
      <h2
        id={`step-${number}`}
        className="mb-3 flex items-center gap-2 text-base font-semibold text-slate-900"
      >
        <span className="flex size-6 items-center justify-center rounded-full bg-indigo-600 text-xs text-white">
          {number}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}
