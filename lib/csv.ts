/**
 * Finds the IMEI cells in an operator's upload: a plain list (one IMEI per line) or a CSV with an `imei`
 * column, as spreadsheets and the GSM Fusion site's "Advanced Export" write them. Pure (papaparse runs in
 * the browser, a Web Worker and node alike), so the preview and the server read a file the same way.
 *
 * Cells are not validated here; `checkImei` in lib/imei.ts does that. Line numbers are physical lines of
 * the text (the header is line 1), so an operator can find each one in their editor.
 */
import Papa from "papaparse";

export type ImeiLine = { line: number; value: string };
export type ExtractProblem = { line: number; message: string };
export type ExtractResult = { lines: ImeiLine[]; problems: ExtractProblem[]; column: string | null };

/** The most IMEIs one batch may hold. A bigger input yields one problem and no lines. */
export const MAX_LINES = 20_000;

const DELIMITERS = [",", ";", "\t"] as const;
type Delimiter = (typeof DELIMITERS)[number];
const LINE_BREAK = /\r\n|\n|\r/g;

/** Reads IMEI cells and their line numbers from a list or a CSV; see the module comment. */
export function extractImeiLines(text: string): ExtractResult {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const first = firstNonBlankLine(body);
  if (!first) return problem(1, "no IMEIs found: the input is empty");

  const header = readHeader(first.text);
  if (header.kind === "list") return extractList(body, first.line, null);
  if (header.kind === "single-column") return extractList(body, first.line + 1, header.column);
  if (header.kind === "no-column") return problem(first.line, header.message);
  return extractColumn(body, header.delimiter, header.index, header.column);
}

type Header =
  | { kind: "list" }
  | { kind: "single-column"; column: string }
  | { kind: "columns"; delimiter: Delimiter; index: number; column: string }
  | { kind: "no-column"; message: string };

/** Decides from the first non-blank line whether this is a list or a CSV, and which column holds IMEIs. */
function readHeader(line: string): Header {
  // Each candidate separator splits the line; the one giving the most cells wins, since a header's
  // separator is the character it uses between every column name.
  const splits = DELIMITERS.map((delimiter) => {
    const cells = splitLine(line, delimiter).map((c) => c.trim());
    const filled = cells.filter((c) => c !== "");
    return { delimiter, cells, filled, imeiIndex: pickImeiColumn(cells) };
  }).sort((a, b) => b.filled.length - a.filled.length || rankOf(a) - rankOf(b));
  const best = splits[0]!;
  const withColumn = splits.find((s) => s.imeiIndex !== null && s.filled.length === best.filled.length);

  if (withColumn && withColumn.imeiIndex !== null) {
    const column = withColumn.cells[withColumn.imeiIndex]!;
    if (withColumn.filled.length === 1) return { kind: "single-column", column };
    return { kind: "columns", delimiter: withColumn.delimiter, index: withColumn.imeiIndex, column };
  }
  if (best.filled.length <= 1 || best.filled.every(isImeiLike) || splitWholeImeis(line) !== null) {
    return { kind: "list" };
  }
  const found = best.filled.join(", ");
  if (best.filled.some(isNumberLike)) {
    return {
      kind: "no-column",
      message: `no imei column: the first line (${found}) looks like data, not a header; add a header line naming the IMEI column "imei", or upload one IMEI per line`,
    };
  }
  return {
    kind: "no-column",
    message: `no imei column; found: ${found}. Name the IMEI column "imei", or upload one IMEI per line`,
  };
}

function rankOf(split: { cells: string[]; imeiIndex: number | null }): number {
  return split.imeiIndex === null ? 9 : columnRank(split.cells[split.imeiIndex]!);
}

/**
 * 0: exactly "imei" · 1: a name containing imei without a digit ("IMEI NO.", "Imei Number") · 2: "IMEI 1" ·
 * 3: any other (IMEI 2, IMEISV). The second IMEI of a dual-SIM export is only used when it is the only one.
 */
function columnRank(name: string): number {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (key === "imei") return 0;
  if (!key.includes("imei")) return 9;
  if (/imei(?:sv)|imei\d*[02-9]/.test(key)) return 3;
  if (/\d/.test(key)) return 2;
  return 1;
}

function pickImeiColumn(cells: string[]): number | null {
  let best: number | null = null;
  let bestRank = 9;
  cells.forEach((cell, index) => {
    const rank = columnRank(cell);
    if (rank < bestRank) {
      best = index;
      bestRank = rank;
    }
  });
  return best;
}

function splitLine(line: string, delimiter: Delimiter): string[] {
  const parsed = Papa.parse<string[]>(line, { delimiter, newline: "\n" });
  return parsed.data[0] ?? [];
}

/** Something like a whole IMEI (or IMEISV) typed with separators: 14–17 digits, nothing else. */
function isImeiLike(cell: string): boolean {
  const unquoted = cell.replace(/^["']+|["']+$/g, "");
  return /^[\d\s.-]+$/.test(unquoted) && /^\d{14,17}$/.test(unquoted.replace(/[\s.-]/g, ""));
}

/** A pasted line of several whole IMEIs ("353…567, 356…809 490…518") as its IMEIs; otherwise null. */
function splitWholeImeis(line: string): string[] | null {
  const parts = line.trim().split(/[\s,;]+/);
  return parts.length > 1 && parts.every(isImeiLike) ? parts : null;
}

function isNumberLike(cell: string): boolean {
  return /^["']?[\d\s.,+eE-]{8,}["']?$/.test(cell) && /\d{6}/.test(cell);
}

/**
 * A plain list: every non-blank line is one IMEI. Empty cells a spreadsheet adds around a single column
 * (`353979106673567;;`) are dropped, and a pasted line holding several whole IMEIs separated by spaces,
 * commas or semicolons gives one entry each. Anything else stays one value for checkImei to judge, so
 * `35 397910 667356 7` and `3,53979E+14` are read whole.
 */
function extractList(body: string, startLine: number, column: string | null): ExtractResult {
  const lines: ImeiLine[] = [];
  const physical = body.split(LINE_BREAK);
  for (let i = startLine - 1; i < physical.length; i++) {
    const value = physical[i]!.replace(/^[\s,;]+|[\s,;]+$/g, "");
    if (value === "") continue;
    const values = splitWholeImeis(value) ?? [value];
    for (const v of values) {
      if (lines.length === MAX_LINES) return tooMany(i + 1);
      lines.push({ line: i + 1, value: v });
    }
  }
  if (lines.length === 0 && column !== null)
    return problem(startLine - 1, `the "${column}" column has no IMEIs`);
  return { lines, problems: [], column };
}

/** A CSV with a header: the IMEI cell of each row, with the physical line the row starts on. */
function extractColumn(body: string, delimiter: Delimiter, index: number, column: string): ExtractResult {
  const lines: ImeiLine[] = [];
  const problems: ExtractProblem[] = [];
  let headerLine: number | null = null;
  let overflowLine: number | null = null;
  let cursor = 0;
  let line = 1;

  Papa.parse<string[]>(body, {
    delimiter,
    step: (row, parser) => {
      const rowLine = line;
      const end = row.meta.cursor;
      line += countLineBreaks(body, cursor, end);
      cursor = end;

      for (const error of row.errors) {
        problems.push({ line: rowLine, message: describeParseError(error) });
      }
      const cells = row.data;
      if (cells.every((c) => c.trim() === "")) return;
      if (headerLine === null) {
        headerLine = rowLine;
        return;
      }
      if (lines.length === MAX_LINES) {
        overflowLine = rowLine;
        parser.abort();
        return;
      }
      lines.push({ line: rowLine, value: (cells[index] ?? "").trim() });
    },
  });

  if (overflowLine !== null) return tooMany(overflowLine);
  if (lines.length === 0 && problems.length === 0) {
    return problem(headerLine ?? 1, `the "${column}" column has no IMEIs: the file has a header but no rows`);
  }
  return { lines, problems, column };
}

function describeParseError(error: Papa.ParseError): string {
  if (error.code === "MissingQuotes") {
    return "a quoted value starts here but is never closed, so the rest of the file may be misread; fix the quote and upload again";
  }
  if (error.code === "InvalidQuotes")
    return "a quote in the middle of a value; remove it or quote the whole value";
  return error.message;
}

/** Counts line breaks (\r\n, \n or \r each count once) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

function firstNonBlankLine(body: string): { line: number; text: string } | null {
  const physical = body.split(LINE_BREAK);
  const index = physical.findIndex((l) => l.replace(/[\s,;]/g, "") !== "");
  return index === -1 ? null : { line: index + 1, text: physical[index]! };
}

function tooMany(line: number): ExtractResult {
  return problem(
    line,
    `more than ${MAX_LINES.toLocaleString("en-US")} IMEIs (line ${line} holds number ${(MAX_LINES + 1).toLocaleString("en-US")}); a batch takes at most ${MAX_LINES.toLocaleString("en-US")}, so split the file`,
  );
}

function problem(line: number, message: string): ExtractResult {
  return { lines: [], problems: [{ line, message }], column: null };
}
