/**
 * The request and response shapes of GET /api/v1/services, defined once for the server and the browser.
 * Zod only, no server code: the browser imports this file.
 */
import { z } from "zod";
import { decimalAmountSchema } from "@/lib/money";

const optionalText = z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .optional()
  .transform((v) => (v ? v : undefined));

/** `?q=` (words matched against title, category and id) and `?category=` (one category, exactly). */
export const catalogueQuerySchema = z.object({ q: optionalText, category: optionalText });

export const apiServiceSchema = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  price: decimalAmountSchema,
  deliveryTime: z.string(),
});
export type ApiService = z.infer<typeof apiServiceSchema>;

export const servicesResponseSchema = z.object({ services: z.array(apiServiceSchema) });
export type ServicesResponse = z.infer<typeof servicesResponseSchema>;
