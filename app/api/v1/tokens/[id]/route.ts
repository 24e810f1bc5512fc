// DELETE /api/v1/tokens/{id} — revoke an API token (one's own; an admin, anyone's)
import { withAuth } from "@/lib/api";
import { revokeApiToken } from "@/lib/auth/tokens";

export const DELETE = withAuth<{ id: string }>(async ({ user, db, params }) =>
  Response.json(await revokeApiToken(db, user, params.id)),
);
