/**
 * One CSV field of the export, safe to open in a spreadsheet (OWASP's CSV injection guidance).
 *
 * A spreadsheet runs a cell as a formula when it starts with `=`, `+`, `-` or `@`, and Excel also after a
 * leading tab or carriage return; such a cell gets a `'` in front (NUL too, which ASVS adds). A spreadsheet
 * that splits on `;` or tab (many locales) does not see our quotes in the middle of a row, so a cell can
 * also begin after a separator or a line break inside a value: those get the same `'`. Every field so
 * changed, or holding a separator (`,` `;` tab), a quote or a line break, is quoted, its quotes doubled.
 */
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r", "\0"]);
const CELL_BREAKS = new Set([",", ";", "\t", "\r", "\n"]);
const NEEDS_QUOTES = /[",;\t\r\n]/;

export function toCsvCell(value: string | null | undefined): string {
  const text = value ?? "";
  let safe = "";
  let atCellStart = true;
  for (const char of text) {
    if (atCellStart && FORMULA_TRIGGERS.has(char)) safe += "'";
    safe += char;
    // A quote right after a break opens a quoted cell there, so the cell's text starts after it.
    if (CELL_BREAKS.has(char)) atCellStart = true;
    else if (char !== '"') atCellStart = false;
  }
  return safe !== text || NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
