/**
 * The shape `parseResultCode` produces, which is also what Order.result stores and the API sends. Zod only,
 * so the browser can import it.
 */
import { z } from "zod";

// In the order the live formats list them, which is the order screens show fields they do not rank.
export const RESULT_FIELDS = [
  "model",
  "carrier",
  "simLock",
  "fmi",
  "imei",
  "imei2",
  "serial",
  "meid",
  "appleCare",
  "purchaseDate",
  "tetherPolicy",
  "gsmaStatus",
  "blacklist",
  "activationLock",
  "soldBy",
  "country",
  "warranty",
  "brand",
  "unlockCode",
] as const;
export type ResultField = (typeof RESULT_FIELDS)[number];

const knownFields = Object.fromEntries(RESULT_FIELDS.map((field) => [field, z.string().optional()])) as {
  [K in ResultField]: z.ZodOptional<z.ZodString>;
};

export const parsedResultSchema = z.object({
  ...knownFields,
  /** The code exactly as received. */
  raw: z.string(),
  /** The cleaned text: no HTML, one line per `<br>`. */
  text: z.string(),
  /** Every `Label: value` pair, labels as written (first occurrence wins). */
  fields: z.record(z.string(), z.string()),
  /** Labels that map to no known field, in order of appearance. */
  unknownLabels: z.array(z.string()),
});
export type ParsedResult = z.infer<typeof parsedResultSchema>;
