/**
 * The cached upstream catalogue: refreshed from `imeiservices`, read by the Services page, the API and
 * batch drafts. Served stale-while-revalidate: a page never waits for the upstream once something is
 * cached, and an unreachable upstream leaves the cache as it was.
 */
import "server-only";
import type { Db } from "@/lib/db";
import { sqlList } from "@/lib/db/sql-list";
import { AppError } from "@/lib/errors";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import { log } from "@/lib/log";
import { parseMoney } from "@/lib/money";
import { parseDeliveryMaxMinutes } from "./delivery-time";
import { filterCatalogue, sortCatalogue, type CatalogueFilter, type CatalogueService } from "./search";
import {
  describeCatalogueFailure,
  EmptyCatalogueError,
  toCatalogueFailure,
  type CatalogueFailure,
} from "./status";

export type { CatalogueFilter, CatalogueService } from "./search";
export type { CatalogueFailure } from "./status";

export type RefreshResult = { upserted: number; deactivated: number };

export type CatalogueStatus = {
  /** Active services in the cache. */
  count: number;
  /** When the cached catalogue was last refreshed; null before the first successful refresh. */
  refreshedAt: Date | null;
  isRefreshing: boolean;
  /** The last refresh's failure, until a refresh succeeds (kept in this process only). */
  lastFailure: CatalogueFailure | null;
};

export const DEFAULT_MAX_AGE_MS = 10 * 60_000;
// After a failed background refresh, page views do not start another for this long.
const FAILURE_BACKOFF_MS = 60_000;
// Only IMEI services are listed and refreshed here; file and server services are left alone.
const KIND = "imei";

type ServiceRow = {
  id: string;
  kind: string;
  title: string;
  category: string;
  priceMicros: bigint;
  deliveryTime: string;
  deliveryMaxMins: number | null;
  mustReadHtml: string;
  active: boolean;
  refreshedAt: Date;
};

function toCatalogueService(row: ServiceRow): CatalogueService {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    category: row.category,
    priceMicros: row.priceMicros,
    deliveryTime: row.deliveryTime,
    deliveryMaxMins: row.deliveryMaxMins,
    mustReadHtml: row.mustReadHtml,
    isActive: row.active,
    refreshedAt: row.refreshedAt,
  };
}

function isSameService(stored: ServiceRow | undefined, listed: ServiceRow): boolean {
  return (
    stored !== undefined &&
    stored.kind === listed.kind &&
    stored.title === listed.title &&
    stored.category === listed.category &&
    stored.priceMicros === listed.priceMicros &&
    stored.deliveryTime === listed.deliveryTime &&
    stored.deliveryMaxMins === listed.deliveryMaxMins &&
    stored.mustReadHtml === listed.mustReadHtml &&
    stored.active === listed.active
  );
}

/**
 * Fetches the IMEI catalogue and writes it in one transaction: every listed service is upserted (and
 * reactivated), every cached IMEI service no longer listed is marked inactive, never deleted, since
 * batches and orders reference it. An empty listing is refused (EmptyCatalogueError) rather than
 * allowed to deactivate everything. Upstream failures are thrown as UpstreamError with nothing written.
 */
export async function refreshCatalogue(db: Db, client: GsmFusionClient): Promise<RefreshResult> {
  const listed = await client.listServices(KIND);
  const refreshedAt = new Date();
  const rows = new Map<string, ServiceRow>();
  const unpriced: string[] = [];
  for (const service of listed) {
    let priceMicros: bigint;
    try {
      priceMicros = parseMoney(service.price);
    } catch {
      unpriced.push(service.id);
      continue;
    }
    rows.set(service.id, {
      id: service.id,
      kind: service.kind,
      title: service.title,
      category: service.category,
      priceMicros,
      deliveryTime: service.deliveryTime,
      deliveryMaxMins: parseDeliveryMaxMinutes(service.deliveryTime),
      mustReadHtml: service.mustReadHtml,
      active: true,
      refreshedAt,
    });
  }
  if (unpriced.length > 0) {
    log.warn("services: skipped services whose price has more than 6 decimals", { ids: unpriced });
  }
  if (rows.size === 0) throw new EmptyCatalogueError();

  const ids = [...rows.keys()];
  // Only new or changed rows are upserted; the rest just get their refreshedAt. On SQLite the
  // transaction holds the process's write lock, so the order engine waits for as few statements as can be.
  // The whole table (a few hundred rows): no list of ids reaches SQL as separate parameters.
  const stored = await db.prisma.service.findMany();
  const storedById = new Map(stored.map((row) => [row.id, row]));
  const changed = [...rows.values()].filter((row) => !isSameService(storedById.get(row.id), row));
  return db.transaction(async (tx) => {
    for (const { id, ...data } of changed) {
      await tx.service.upsert({ where: { id }, create: { id, ...data }, update: data });
    }
    // The listed ids go as one parameter (lib/db/sql-list.ts): Prisma refuses a long `notIn`.
    const listedIds = sqlList(db.provider, ids);
    await tx.$executeRaw`
      UPDATE "Service" SET "refreshedAt" = ${refreshedAt}, "active" = true, "updatedAt" = ${refreshedAt}
      WHERE "id" IN ${listedIds}`;
    const count = await tx.$executeRaw`
      UPDATE "Service" SET "active" = false, "updatedAt" = ${refreshedAt}
      WHERE "kind" = ${KIND} AND "active" = true AND "id" NOT IN ${listedIds}`;
    return { upserted: rows.size, deactivated: count };
  });
}

/** Active IMEI services, ordered by category then title, optionally searched (see filterCatalogue). */
export async function listCatalogue(db: Db, filter: CatalogueFilter = {}): Promise<CatalogueService[]> {
  const rows = await db.prisma.service.findMany({ where: { kind: KIND, active: true } });
  return filterCatalogue(sortCatalogue(rows.map(toCatalogueService)), filter);
}

/** One cached service by upstream id, active or not (check `isActive` before ordering it); null if unknown. */
export async function getCatalogueService(db: Db, id: string): Promise<CatalogueService | null> {
  const row = await db.prisma.service.findUnique({ where: { id } });
  return row ? toCatalogueService(row) : null;
}

type RefreshState = { inFlight?: Promise<RefreshResult>; lastFailure?: CatalogueFailure };

// Kept on globalThis, like the db and the upstream client, so that every bundle Next.js builds (pages,
// route handlers, instrumentation) shares one in-flight refresh per database per process.
const globalForCatalogue = globalThis as unknown as { imeiDeskCatalogue?: WeakMap<Db, RefreshState> };

function stateOf(db: Db): RefreshState {
  const states = (globalForCatalogue.imeiDeskCatalogue ??= new WeakMap());
  let state = states.get(db);
  if (!state) {
    state = {};
    states.set(db, state);
  }
  return state;
}

/** Starts a refresh unless one is already running for this database, and returns the running one. */
function runRefresh(db: Db, client: GsmFusionClient): Promise<RefreshResult> {
  const state = stateOf(db);
  state.inFlight ??= refreshCatalogue(db, client)
    .then(
      (result) => {
        state.lastFailure = undefined;
        log.info("services: catalogue refreshed", result);
        return result;
      },
      (error: unknown) => {
        const failure = toCatalogueFailure(error);
        state.lastFailure = failure;
        const fields = { code: failure.code, error };
        if (failure.code === "internal") log.error("services: catalogue refresh failed", fields);
        else log.warn("services: catalogue refresh failed; the cached catalogue is kept", fields);
        throw error;
      },
    )
    .finally(() => {
      state.inFlight = undefined;
    });
  return state.inFlight;
}

async function readStatus(db: Db): Promise<CatalogueStatus> {
  const stats = await db.prisma.service.aggregate({
    where: { kind: KIND, active: true },
    _count: { _all: true },
    _max: { refreshedAt: true },
  });
  const state = stateOf(db);
  return {
    count: stats._count._all,
    refreshedAt: stats._max.refreshedAt,
    isRefreshing: state.inFlight !== undefined,
    lastFailure: state.lastFailure ?? null,
  };
}

/**
 * Makes sure there is a catalogue to show. With nothing cached it refreshes and waits (the first load);
 * when the cache is older than `maxAgeMs` it starts a background refresh and returns at once. Never
 * throws for an upstream failure: that is logged and reported in `lastFailure`.
 */
export async function ensureCatalogue(
  db: Db,
  client: GsmFusionClient,
  options: { maxAgeMs?: number } = {},
): Promise<CatalogueStatus> {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const status = await readStatus(db);
  if (status.count === 0) {
    await runRefresh(db, client).catch(() => undefined);
    return readStatus(db);
  }
  const now = Date.now();
  const isStale = !status.refreshedAt || now - status.refreshedAt.getTime() > maxAgeMs;
  const isBackingOff =
    status.lastFailure !== null && now - status.lastFailure.at.getTime() < FAILURE_BACKOFF_MS;
  if (isStale && !status.isRefreshing && !isBackingOff) {
    void runRefresh(db, client).catch(() => undefined);
    return { ...status, isRefreshing: true };
  }
  return status;
}

/**
 * The catalogue for the API: `ensureCatalogue`, then the services. When nothing is cached and the first
 * load failed, it throws `upstream_unavailable` (503) rather than answer an empty list, which would read
 * as "this account has no services".
 */
export async function listAvailableCatalogue(
  db: Db,
  client: GsmFusionClient,
  filter: CatalogueFilter = {},
): Promise<CatalogueService[]> {
  const status = await ensureCatalogue(db, client);
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
  return listCatalogue(db, filter);
}

/**
 * One service as the upstream lists it now, for spending decisions: the cached entry, after a refresh
 * that is waited for when the catalogue is older than `maxAgeMs` (one refresh per process at a time, as
 * everywhere). Null when the service is not in the catalogue. A failed refresh is thrown.
 */
export async function readCurrentCatalogueService(
  db: Db,
  client: GsmFusionClient,
  id: string,
  options: { maxAgeMs: number },
): Promise<CatalogueService | null> {
  const { refreshedAt } = await readStatus(db);
  if (!refreshedAt || Date.now() - refreshedAt.getTime() > options.maxAgeMs) await runRefresh(db, client);
  return getCatalogueService(db, id);
}

/** Resolves once the refresh running for this database (if any) has settled. For tests and shutdown. */
export async function waitForCatalogueRefresh(db: Db): Promise<void> {
  await stateOf(db).inFlight?.catch(() => undefined);
}

/**
 * Keeps the catalogue fresh: checks now and then every `intervalMs`, refreshing when the cache is empty
 * or at least half an interval old (so a restart, or a second app instance on the same database, does
 * not refresh a catalogue that was just refreshed). Failures are logged, never thrown. Returns a stop
 * function.
 */
export function startCatalogueRefreshLoop(db: Db, client: GsmFusionClient, intervalMs: number): () => void {
  if (!Number.isInteger(intervalMs) || intervalMs < 1000) {
    throw new Error("startCatalogueRefreshLoop: intervalMs must be an integer of at least 1000");
  }
  let isStopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const status = await readStatus(db);
      const age = status.refreshedAt ? Date.now() - status.refreshedAt.getTime() : Infinity;
      // runRefresh logs its own failures.
      if (status.count === 0 || age >= intervalMs / 2) await runRefresh(db, client).catch(() => undefined);
    } catch (error) {
      if (!isStopped) log.warn("services: the refresh loop could not read the catalogue", { error });
    }
    if (isStopped) return;
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref?.();
  };
  void tick();
  return () => {
    isStopped = true;
    if (timer) clearTimeout(timer);
  };
}
