/**
 * The shop's settings: one `ShopSetting` row per key, its value JSON. Read from the database on every
 * request that needs them (no process cache), so a change made through one process holds in all at once.
 */
import type { AppUser } from "@/lib/auth/users";
import type { Db, TxClient } from "@/lib/db";
import { log } from "@/lib/log";
import { recordAuditIn } from "./audit";
import { DEFAULT_SHOP_SETTINGS, shopSettingsSchema, type ShopSettings } from "./schemas";

export { DEFAULT_SHOP_SETTINGS, shopSettingsSchema, type ShopSettings } from "./schemas";

/** The database itself or an open transaction: the settings are read inside confirm's and cancel's. */
export type SettingsReader = Db | Pick<TxClient, "shopSetting">;

const KEYS = Object.keys(shopSettingsSchema.shape) as (keyof ShopSettings)[];

function clientOf(reader: SettingsReader): Pick<TxClient, "shopSetting"> {
  return "prisma" in reader ? reader.prisma : reader;
}

function parseStored(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

async function readIn(client: Pick<TxClient, "shopSetting">): Promise<ShopSettings> {
  const rows = await client.shopSetting.findMany({ where: { key: { in: KEYS } } });
  const settings: Record<string, unknown> = { ...DEFAULT_SHOP_SETTINGS };
  for (const row of rows) {
    const parsed = shopSettingsSchema.shape[row.key as keyof ShopSettings].safeParse(parseStored(row.value));
    // A row written by another version of the app must not take the pages down: its default holds.
    if (parsed.success) settings[row.key] = parsed.data;
    else log.warn("ignoring an unreadable shop setting", { key: row.key });
  }
  return shopSettingsSchema.parse(settings);
}

export async function readShopSettings(reader: SettingsReader): Promise<ShopSettings> {
  return readIn(clientOf(reader));
}

/** Stores the settings an admin chose, and audits each value that changed (from → to) with its actor. */
export async function updateShopSettings(db: Db, actor: AppUser, next: ShopSettings): Promise<ShopSettings> {
  const wanted = shopSettingsSchema.parse(next);
  return db.transaction(async (tx) => {
    const current = await readIn(tx);
    const changed = KEYS.filter((key) => current[key] !== wanted[key]);
    for (const key of changed) {
      const value = JSON.stringify(wanted[key]);
      await tx.shopSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    if (changed.length > 0) {
      await recordAuditIn(tx, {
        actorId: actor.id,
        action: "settings.update",
        targetType: "settings",
        targetId: "shop",
        details: Object.fromEntries(changed.map((key) => [key, { from: current[key], to: wanted[key] }])),
      });
    }
    return readIn(tx);
  });
}
