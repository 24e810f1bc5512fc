/**
 * The adaptive limit on `placeorder` calls in flight: additive increase, multiplicative decrease. A
 * not-processed answer (429, 503) halves it; a full window of successes raises it by one, up to the
 * configured maximum (SUBMIT_CONCURRENCY).
 */
export class AdaptiveConcurrency {
  readonly max: number;
  private current: number;
  private successesSinceRaise = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
    this.current = this.max;
  }

  get limit(): number {
    return this.current;
  }

  /** Additive increase: one more call in flight after a full window of successes. */
  recordSuccess(): void {
    this.successesSinceRaise += 1;
    if (this.current < this.max && this.successesSinceRaise >= this.current) {
      this.current += 1;
      this.successesSinceRaise = 0;
    }
  }

  /** Multiplicative decrease on 429/503. */
  recordNotProcessed(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successesSinceRaise = 0;
  }
}
