/**
 * Reads the `IMEI, upstream order id` list a person pastes from the GSM Fusion site's order export:
 * columns split by tabs, commas, semicolons or spaces, header lines (no digits) skipped. Each pair keeps
 * its line number so every refusal can say where. Pure: the browser imports it.
 */
import type { ResolvePair } from "./schemas";

export type PastedPairs = { pairs: ResolvePair[]; errors: { line: number; message: string }[] };

const IMEI = /^\d{14,17}$/;
const ORDER_ID = /^\d{1,20}$/;

export function parsePastedPairs(text: string): PastedPairs {
  const pairs: ResolvePair[] = [];
  const errors: PastedPairs["errors"] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const cells = raw.split(/[\s,;]+/).filter(Boolean);
    if (!cells.some((cell) => /\d/.test(cell))) return;
    if (cells.length !== 2) {
      errors.push({
        line,
        message: `expected two columns, IMEI and upstream order id; found ${cells.length}`,
      });
      return;
    }
    // Exports differ in column order; the IMEI is the column that looks like one.
    const [imei, upstreamOrderId] =
      !IMEI.test(cells[0]!) && IMEI.test(cells[1]!) ? [cells[1]!, cells[0]!] : [cells[0]!, cells[1]!];
    if (!IMEI.test(imei))
      errors.push({ line, message: `"${imei.slice(0, 40)}" is not an IMEI (14 to 17 digits)` });
    else if (!ORDER_ID.test(upstreamOrderId))
      errors.push({
        line,
        message: `"${upstreamOrderId.slice(0, 40)}" is not an upstream order id (digits only)`,
      });
    else pairs.push({ imei, upstreamOrderId, line });
  });
  return { pairs, errors };
}
