/** The shapes of GET /api/v1/me, the API tokens and the roles, for the server and the browser. Zod only. */
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

/** Sign-in input longer than this cannot be an account's and is refused before anything is stored. */
export const LOGIN_INPUT_LIMITS = { email: 254, password: 1024 } as const;

const timestamp = z.iso.datetime();

export const TOKEN_STATUSES = ["active", "expired", "revoked"] as const;

/** A personal API token as listed: never the secret, only its first characters. */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The token's first characters, to tell tokens apart."),
  owner: z.object({ id: z.string(), email: z.string() }),
  status: z.enum(TOKEN_STATUSES),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable().describe("Rewritten at most once a minute."),
  expiresAt: timestamp.nullable().describe("Null: the token does not expire."),
  revokedAt: timestamp.nullable(),
});
export type ApiTokenInfo = z.infer<typeof apiTokenSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });

export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export const createdTokenSchema = apiTokenSchema.extend({
  token: z.string().describe("The token itself (`imd_…`), shown this once: only its hash is stored."),
});
