// GET /api/v1/services — the cached catalogue
import { parseQuery, withAuth } from "@/lib/api";
import { toDecimalString } from "@/lib/money";
import { listAvailableCatalogue } from "@/lib/services/catalogue";
import { catalogueQuerySchema } from "@/lib/services/schemas";

export const GET = withAuth(async ({ req, db, upstream }) => {
  const query = parseQuery(req, catalogueQuerySchema);
  const services = await listAvailableCatalogue(db, upstream, query);
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
