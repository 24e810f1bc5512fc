import { Alert } from "@/components/ui/alert";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { formatCount, plural } from "@/lib/format";
import { InvalidLinesTable } from "./invalid-lines-table";
import type { LocalPreview } from "./preview";

const DUPLICATES_SHOWN = 50;

/**
 * What the browser read from the upload, before anything is sent. `isCompact` keeps only the counts, for
 * when the server's draft (which lists the same lines) is shown below.
 */
export function LocalPreviewPanel({
  preview,
  isCompact = false,
}: {
  preview: LocalPreview;
  isCompact?: boolean;
}) {
  const { column, read, unique, invalid, duplicates, duplicateLines, problems } = preview;
  return (
    <section aria-labelledby="local-preview-heading" className="space-y-4" data-testid="local-preview">
      <div>
        <h3 id="local-preview-heading" className="text-sm font-semibold text-slate-900">
          Read in your browser
        </h3>
        <p className="text-sm text-slate-600">
          {read > 0
            ? `${plural(read, "line")} read ${column ? `from the “${column}” column` : "as a list, one IMEI per line"}. Nothing has been sent yet.`
            : "No IMEIs could be read."}
        </p>
      </div>

      {problems.length > 0 ? (
        <Alert tone="error" title="The file cannot be used as it is">
          <ul className="list-disc space-y-0.5 pl-5">
            {problems.map((p, i) => (
              <li key={i}>
                <span className="font-semibold">Line {p.line}:</span> {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      {read > 0 ? (
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Stat label="Valid IMEIs" value={unique} tone="text-emerald-700" testId="preview-valid" />
          <Stat
            label="Invalid lines"
            value={invalid.length}
            tone={invalid.length ? "text-red-700" : "text-slate-900"}
            testId="preview-invalid"
          />
          <Stat
            label="Repeated in the file (placed once)"
            value={duplicateLines}
            tone={duplicateLines ? "text-amber-700" : "text-slate-900"}
            testId="preview-duplicates"
          />
        </dl>
      ) : null}

      {invalid.length > 0 && !isCompact ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900">
            {plural(invalid.length, "invalid line")}: these are skipped, the rest can still be placed
          </h4>
          <InvalidLinesTable rows={invalid} caption="Invalid lines found in the browser" />
        </div>
      ) : null}

      {duplicates.length > 0 && !isCompact ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900">
            {plural(duplicates.length, "IMEI")} more than once in the file; each is placed once
          </h4>
          <Table caption="IMEIs repeated in the file">
            <THead>
              <Tr>
                <Th>IMEI</Th>
                <Th>Lines</Th>
              </Tr>
            </THead>
            <TBody>
              {duplicates.slice(0, DUPLICATES_SHOWN).map((d) => (
                <Tr key={d.imei}>
                  <Td className="font-mono">{d.imei}</Td>
                  <Td className="tabular-nums">{d.lines.join(", ")}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {duplicates.length > DUPLICATES_SHOWN ? (
            <p className="mt-2 text-sm text-slate-600">
              and {formatCount(duplicates.length - DUPLICATES_SHOWN)} more
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Stat({
  label,
  value,
  tone,
  testId,
}: {
  label: string;
  value: number;
  tone: string;
  testId: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`} data-testid={testId}>
        {formatCount(value)}
      </dd>
    </div>
  );
}
