"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { PreviewRequest, PreviewResponse } from "./csv-worker";
import { previewImeiText, type LocalPreview } from "./preview";

// Below this size parsing takes a few milliseconds and is done in place; above it, in a Web Worker.
const WORKER_MIN_CHARS = 50_000;

/**
 * The local preview of `text`: immediate for small inputs, from a Web Worker for big ones (falling back
 * to the main thread where a Worker cannot be started). `isParsing` is true while a result is pending.
 */
export function useLocalPreview(text: string): { preview: LocalPreview | null; isParsing: boolean } {
  const isBig = text.length >= WORKER_MIN_CHARS;
  const small = useMemo(() => (!isBig && text.trim() !== "" ? previewImeiText(text) : null), [text, isBig]);

  const workerRef = useRef<Worker | null>(null);
  const lastId = useRef(0);
  // The text a big result belongs to, so a result for an older text is never shown.
  const [big, setBig] = useState<{ text: string; preview: LocalPreview } | null>(null);

  useEffect(() => {
    if (!isBig) return;
    const id = ++lastId.current;
    const deliver = (preview: LocalPreview) => {
      if (id === lastId.current) setBig({ text, preview });
    };
    // Yields first so the page can paint "Reading…" before the work starts.
    const onMainThread = () => setTimeout(() => deliver(previewImeiText(text)), 0);

    const worker = workerRef.current ?? startWorker();
    workerRef.current = worker;
    if (!worker) {
      onMainThread();
      return;
    }
    worker.onmessage = (event: MessageEvent<PreviewResponse>) => {
      if (event.data.id === id) deliver(event.data.preview);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      workerRef.current = null;
      onMainThread();
    };
    worker.postMessage({ id, text } satisfies PreviewRequest);
  }, [text, isBig]);

  useEffect(
    () => () => {
      workerRef.current?.terminate();
      workerRef.current = null;
    },
    [],
  );

  if (!isBig) return { preview: small, isParsing: false };
  const isCurrent = big !== null && big.text === text;
  return { preview: isCurrent ? big.preview : null, isParsing: !isCurrent };
}

function startWorker(): Worker | null {
  if (typeof Worker === "undefined") return null;
  try {
    return new Worker(new URL("./csv-worker.ts", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
}
