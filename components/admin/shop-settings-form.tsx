"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { ApiErrorAlert } from "@/components/batches/api-error-alert";
import { useUpdateShopSettings } from "@/components/hooks/use-shop-settings";
import { Button } from "@/components/ui/button";
import type { ShopSettings } from "@/lib/admin/schemas";

/** The shop's settings an admin changes while the app runs; each change is audited. */
export function ShopSettingsForm({ initial }: { initial: ShopSettings }) {
  const router = useRouter();
  const hintId = useId();
  const [seeAll, setSeeAll] = useState(initial.operatorsSeeAllOrders);
  const [saved, setSaved] = useState<ShopSettings>(initial);
  const save = useUpdateShopSettings({
    onSuccess: (settings) => {
      setSaved(settings);
      setSeeAll(settings.operatorsSeeAllOrders);
      router.refresh();
    },
  });
  const changed = seeAll !== saved.operatorsSeeAllOrders;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ operatorsSeeAllOrders: seeAll });
  }

  return (
    <form
      onSubmit={onSubmit}
      aria-labelledby="shop-settings-heading"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="shop-settings-heading" className="text-sm font-semibold text-slate-700">
        Shop settings
      </h2>
      <div className="flex items-start gap-3">
        <input
          id="operators-see-all"
          type="checkbox"
          checked={seeAll}
          onChange={(event) => setSeeAll(event.target.checked)}
          aria-describedby={hintId}
          className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
        />
        <div className="text-sm">
          <label htmlFor="operators-see-all" className="font-medium text-slate-900">
            Operators see every operator&apos;s orders
          </label>
          <p id={hintId} className="mt-1 text-slate-600">
            For shops that work as one team: every operator sees all batches, orders, exports and the
            shop&apos;s spend. They still act only on their own work: cancelling a batch or resolving an
            uncertain order stays with its owner or an admin. Off: each operator sees only their own.
          </p>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!changed || save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </Button>
        {save.isSuccess && !changed ? (
          <span role="status" className="text-sm text-slate-600">
            Saved.
          </span>
        ) : null}
      </div>
      {save.isError ? <ApiErrorAlert error={save.error} title="The settings were not saved" /> : null}
    </form>
  );
}
