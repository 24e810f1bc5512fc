"use client";

import { useId, useState, type DragEvent } from "react";
import { formatCount } from "@/lib/format";

export type ImeiSource = { kind: "file"; name: string; text: string } | { kind: "paste"; text: string };

// Far above a 20,000-line "Advanced Export"; anything bigger is almost certainly the wrong file.
const MAX_FILE_BYTES = 25 * 1024 * 1024;

/** Where the IMEIs come from: a dropped or chosen CSV/text file, or text pasted into a box. */
export function ImeiSourceInput({ onChange }: { onChange: (source: ImeiSource | null) => void }) {
  const id = useId();
  // Both inputs keep their content while the other tab is shown; the shown tab's one is the source.
  const [tab, setTab] = useState<"file" | "paste">("file");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [pasted, setPasted] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);
  const [isDragging, setIsDragging] = useState(false);

  function emit(shown: "file" | "paste", chosen: typeof file, text: string) {
    if (shown === "file") onChange(chosen ? { kind: "file", ...chosen } : null);
    else onChange(text.trim() === "" ? null : { kind: "paste", text });
  }

  function showTab(shown: "file" | "paste") {
    setTab(shown);
    emit(shown, file, pasted);
  }

  async function readFile(picked: File | undefined) {
    setFileError(null);
    if (!picked) return;
    if (picked.size > MAX_FILE_BYTES) {
      setFileError(
        `${picked.name} is ${formatCount(Math.round(picked.size / 1024 / 1024))} MB; a batch of 20,000 IMEIs needs far less. Is it the right file?`,
      );
      return;
    }
    try {
      const chosen = { name: picked.name, text: await picked.text() };
      setFile(chosen);
      setTab("file");
      emit("file", chosen, pasted);
    } catch {
      setFileError(`${picked.name} could not be read. Save it again (as CSV or plain text) and retry.`);
    }
  }

  function onDrop(event: DragEvent<HTMLLabelElement>) {
    event.preventDefault();
    setIsDragging(false);
    void readFile(event.dataTransfer.files[0]);
  }

  const tabClass = (isActive: boolean) =>
    `rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
      isActive ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"
    }`;

  return (
    <div>
      <div role="tablist" aria-label="IMEI source" className="inline-flex gap-1 rounded-lg bg-slate-100 p-1">
        <button
          type="button"
          role="tab"
          id={`${id}-file-tab`}
          aria-selected={tab === "file"}
          aria-controls={`${id}-file-panel`}
          className={tabClass(tab === "file")}
          onClick={() => showTab("file")}
        >
          Upload a file
        </button>
        <button
          type="button"
          role="tab"
          id={`${id}-paste-tab`}
          aria-selected={tab === "paste"}
          aria-controls={`${id}-paste-panel`}
          className={tabClass(tab === "paste")}
          onClick={() => showTab("paste")}
        >
          Paste IMEIs
        </button>
      </div>

      {tab === "file" ? (
        <div role="tabpanel" id={`${id}-file-panel`} aria-labelledby={`${id}-file-tab`} className="mt-3">
          <label
            onDragOver={(event) => {
              event.preventDefault();
              setIsDragging(true);
            }}
            onDragLeave={() => setIsDragging(false)}
            onDrop={onDrop}
            className={`flex cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-8 text-center focus-within:ring-2 focus-within:ring-indigo-300 ${
              isDragging
                ? "border-indigo-500 bg-indigo-50"
                : "border-slate-300 bg-white hover:border-slate-400"
            }`}
          >
            <span className="text-sm font-semibold text-indigo-700">Choose a CSV file</span>
            <span className="mt-1 text-sm text-slate-600">
              or drop it here. One IMEI per line, or a CSV with an “imei” column (the site’s Advanced Export
              works as is). Up to 20,000 IMEIs.
            </span>
            {file ? (
              <span
                className="mt-3 rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-700"
                data-testid="file-name"
              >
                {file.name}
              </span>
            ) : null}
            <input
              type="file"
              aria-label="Choose a CSV file"
              accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
              className="sr-only"
              onChange={(event) => {
                void readFile(event.target.files?.[0]);
                // Choosing the same file again after editing it must fire onChange again.
                event.target.value = "";
              }}
            />
          </label>
          {fileError ? (
            <p role="alert" className="mt-2 text-sm text-red-700">
              {fileError}
            </p>
          ) : null}
        </div>
      ) : (
        <div role="tabpanel" id={`${id}-paste-panel`} aria-labelledby={`${id}-paste-tab`} className="mt-3">
          <label htmlFor={`${id}-paste`} className="block text-sm text-slate-600">
            IMEIs, one per line (spaces, dashes and a header line are fine)
          </label>
          <textarea
            id={`${id}-paste`}
            rows={8}
            spellCheck={false}
            value={pasted}
            onChange={(event) => {
              setPasted(event.target.value);
              emit("paste", file, event.target.value);
            }}
            placeholder={"353979106673567\n356938035643809"}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
          />
        </div>
      )}
    </div>
  );
}
