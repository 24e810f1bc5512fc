/**
 * The local preview of an upload, computed in the browser (in a Web Worker for big files) before anything
 * is sent: the same reading (lib/csv.ts) and checks (lib/imei.ts) the server applies, so the numbers
 * match the draft the server prices.
 */
import type { InvalidLine } from "@/lib/batches/schemas";
import { extractImeiLines, type ExtractProblem } from "@/lib/csv";
import { checkImei } from "@/lib/imei";

export type DuplicateImei = { imei: string; lines: number[] };

export type LocalPreview = {
  /** The header of the IMEI column, or null for a plain list. */
  column: string | null;
  /** IMEI cells read (valid or not, repeats included). */
  read: number;
  /** Distinct valid IMEIs: what would be placed if none was ordered before. */
  unique: number;
  invalid: InvalidLine[];
  /** Valid IMEIs that appear on more than one line; each is placed once. */
  duplicates: DuplicateImei[];
  /** Lines that repeat an IMEI seen earlier in the file. */
  duplicateLines: number;
  /** Problems with the file as a whole (no imei column, too many lines, a broken quote). */
  problems: ExtractProblem[];
};

export function previewImeiText(text: string): LocalPreview {
  const extracted = extractImeiLines(text);
  const invalid: InvalidLine[] = [];
  const linesByImei = new Map<string, number[]>();
  for (const { line, value } of extracted.lines) {
    const check = checkImei(value);
    if (!check.ok) {
      invalid.push({ line, value, reason: check.reason });
      continue;
    }
    const seen = linesByImei.get(check.imei);
    if (seen) seen.push(line);
    else linesByImei.set(check.imei, [line]);
  }
  const duplicates: DuplicateImei[] = [];
  let duplicateLines = 0;
  for (const [imei, lines] of linesByImei) {
    if (lines.length > 1) {
      duplicates.push({ imei, lines });
      duplicateLines += lines.length - 1;
    }
  }
  return {
    column: extracted.column,
    read: extracted.lines.length,
    unique: linesByImei.size,
    invalid,
    duplicates,
    duplicateLines,
    problems: extracted.problems,
  };
}
