import { describeCatalogueFailure, type CatalogueFailure } from "@/lib/services/status";

/** A failed refresh in plain words: what happened, what to do, and the technical detail. */
export function CatalogueFailureText({ failure }: { failure: CatalogueFailure }) {
  const { what, todo } = describeCatalogueFailure(failure);
  return (
    <>
      <p>{what}</p>
      <p className="mt-1">{todo}</p>
      <p className="mt-2 font-mono text-xs text-slate-500">
        {failure.code}: {failure.message}
      </p>
    </>
  );
}
