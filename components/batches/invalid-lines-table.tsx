import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { InvalidLine } from "@/lib/batches/schemas";
import { formatCount } from "@/lib/format";

const SHOWN = 200;

/** Invalid lines with their line number, the cell as written, and what to do; the first 200 of them. */
export function InvalidLinesTable({ rows, caption }: { rows: InvalidLine[]; caption: string }) {
  const shown = rows.slice(0, SHOWN);
  return (
    <div>
      <Table caption={caption}>
        <THead>
          <Tr>
            <Th className="w-20 text-right">Line</Th>
            <Th>Value</Th>
            <Th>Why it cannot be placed</Th>
          </Tr>
        </THead>
        <TBody>
          {shown.map((row, i) => (
            <Tr key={`${row.line}-${i}`}>
              <Td className="text-right font-mono text-slate-600 tabular-nums">{row.line}</Td>
              <Td className="min-w-[19ch] font-mono break-all">
                {row.value === "" ? <span className="text-slate-500 italic">(empty)</span> : row.value}
              </Td>
              <Td>{row.reason}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      {rows.length > SHOWN ? (
        <p className="mt-2 text-sm text-slate-600">and {formatCount(rows.length - SHOWN)} more</p>
      ) : null}
    </div>
  );
}
