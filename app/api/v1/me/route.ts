// GET /api/v1/me — the signed-in user (session or bearer token)
import { withAuth } from "@/lib/api";

export const GET = withAuth(async ({ user }) =>
  Response.json({ id: user.id, email: user.email, name: user.name, role: user.role }),
);
