// GET /api/v1/settings, PUT /api/v1/settings — the shop's settings (admin only): whether operators see every
// operator's orders. Read from the database on each request; a change is audited.
import { parseJson, withAuth } from "@/lib/api";
import { shopSettingsSchema } from "@/lib/admin/schemas";
import { readShopSettings, updateShopSettings } from "@/lib/admin/settings";

export const GET = withAuth(async ({ db }) => Response.json(await readShopSettings(db)), { role: "admin" });

export const PUT = withAuth(
  async ({ req, user, db }) => {
    const settings = await parseJson(req, shopSettingsSchema);
    return Response.json(await updateShopSettings(db, user, settings));
  },
  { role: "admin" },
);
