// GET /api/v1/tokens — the caller's API tokens (an admin's: everyone's); POST — make one, shown once
import { parseJson, withAuth } from "@/lib/api";
import { createTokenSchema } from "@/lib/auth/schemas";
import { bearerToken } from "@/lib/auth/session";
import { createApiToken, listApiTokens } from "@/lib/auth/tokens";
import { AppError } from "@/lib/errors";

export const GET = withAuth(async ({ user, db }) => Response.json({ tokens: await listApiTokens(db, user) }));

export const POST = withAuth(async ({ req, user, db }) => {
  // A token that could mint tokens would outlive its own revocation: only a signed-in person makes them.
  if (bearerToken(req.headers)) {
    throw new AppError(
      "forbidden",
      "API tokens are made while signed in, or with npm run token:create, not with another token.",
    );
  }
  const input = await parseJson(req, createTokenSchema);
  return Response.json(await createApiToken(db, user.id, input), { status: 201 });
});
