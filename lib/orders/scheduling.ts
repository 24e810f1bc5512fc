/**
 * Fair scheduling: which batch the worker claims from next. Highest priority first, then the operator
 * served longest ago, then that operator's batch served longest ago. Claim groups are small, so a small
 * batch confirmed during a big one is served within a few rounds.
 */
import type { Db } from "@/lib/db";
import { listBatchesWithWork, type ActiveBatch } from "./queries";

export type { ActiveBatch };

const ACTIVE_REFRESH_MS = 500;

/** When this process last served each batch and each operator, as ticks (0: never). */
export type ServedTicks = { batch: ReadonlyMap<string, number>; owner: ReadonlyMap<string, number> };

/**
 * The batch to serve next, or null. Lower is served first. A batch (or operator) this process has not
 * served yet has tick 0, so a batch confirmed while a big one runs is next in line; across processes
 * lastServedAt breaks ties.
 */
export function pickNextBatch(batches: readonly ActiveBatch[], served: ServedTicks): ActiveBatch | null {
  const keyOf = (b: ActiveBatch) => [
    -b.priority,
    served.owner.get(b.ownerId) ?? 0,
    served.batch.get(b.id) ?? 0,
    b.lastServedAt?.getTime() ?? 0,
  ];
  let best: ActiveBatch | null = null;
  let bestKey: number[] = [];
  for (const b of batches) {
    const key = keyOf(b);
    const i = key.findIndex((v, j) => v !== bestKey[j]);
    if (!best || (i >= 0 && key[i]! < bestKey[i]!)) {
      best = b;
      bestKey = key;
    }
  }
  return best;
}

/** The rotation of one worker: the batches with work (re-read twice a second) and who was served when. */
export class FairScheduler {
  private active: ActiveBatch[] = [];
  private fetchedAt = 0;
  private readonly servedBatch = new Map<string, number>();
  private readonly servedOwner = new Map<string, number>();
  private tick = 0;

  constructor(private readonly db: Db) {}

  /** Re-read the batches with work at the next pick (a batch was just confirmed, say). */
  refreshSoon(): void {
    this.fetchedAt = 0;
  }

  /** Leaves out a batch that had nothing to claim, until the next re-read. */
  drop(batchId: string): void {
    this.active = this.active.filter((b) => b.id !== batchId);
  }

  async nextBatch(): Promise<ActiveBatch | null> {
    if (Date.now() - this.fetchedAt > ACTIVE_REFRESH_MS || this.active.length === 0) {
      this.active = await listBatchesWithWork(this.db, new Date());
      this.fetchedAt = Date.now();
    }
    return pickNextBatch(this.active, { batch: this.servedBatch, owner: this.servedOwner });
  }

  markServed(batch: ActiveBatch): void {
    this.tick += 1;
    this.servedBatch.set(batch.id, this.tick);
    this.servedOwner.set(batch.ownerId, this.tick);
  }
}
