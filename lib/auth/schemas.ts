/** The shapes of GET /api/v1/me and the roles, for the server and the browser. Zod only. */
import { z } from "zod";

export const ROLES = ["admin", "operator"] as const;
export type Role = (typeof ROLES)[number];

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
});
export type Me = z.infer<typeof meSchema>;
