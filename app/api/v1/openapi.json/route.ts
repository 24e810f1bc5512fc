// GET /api/v1/openapi.json — this API described as OpenAPI 3.1, built from the same zod schemas (lib/openapi.ts).
// Behind sign-in like every other API path (proxy.ts): any user or token may read it.
import { withAuth } from "@/lib/api";
import { buildOpenApiDocument } from "@/lib/openapi";

export const GET = withAuth(async () => Response.json(buildOpenApiDocument()));
