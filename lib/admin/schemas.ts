/** The shape of GET/PUT /api/v1/settings: the shop's settings an admin changes while the app runs. Zod only. */
import { z } from "zod";

export const shopSettingsSchema = z
  .object({
    /**
     * Operators see every operator's batches, orders, exports and spend (a shop that works as one team).
     * Seeing only: resolving, cancelling or confirming another's work stays with its owner or an admin.
     */
    operatorsSeeAllOrders: z.boolean(),
  })
  .strict();
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

/** What a shop that never changed a setting gets: each operator sees their own work only. */
export const DEFAULT_SHOP_SETTINGS: ShopSettings = { operatorsSeeAllOrders: false };
