// GET /api/v1/services — the cached catalogue
import { parseQuery, withAuth } from "@/lib/api";
import { AppError } from "@/lib/errors";
import { toDecimalString } from "@/lib/money";
import { ensureCatalogue, listCatalogue } from "@/lib/services/catalogue";
import { catalogueQuerySchema } from "@/lib/services/schemas";
import { describeCatalogueFailure } from "@/lib/services/status";
import { getUpstream } from "@/lib/upstream";

export const GET = withAuth(async ({ req, db }) => {
  const query = parseQuery(req, catalogueQuerySchema);
  const status = await ensureCatalogue(db, getUpstream());
  if (status.count === 0 && status.lastFailure) {
    const { what } = describeCatalogueFailure(status.lastFailure);
    throw new AppError(
      "upstream_unavailable",
      `The service catalogue is not loaded yet. ${what} Try again shortly.`,
      {
        reason: status.lastFailure.code,
      },
    );
  }
  const services = await listCatalogue(db, query);
  return Response.json({
    services: services.map((s) => ({
      id: s.id,
      title: s.title,
      category: s.category,
      price: toDecimalString(s.priceMicros),
      deliveryTime: s.deliveryTime,
    })),
  });
});
