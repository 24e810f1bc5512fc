import { UpstreamError } from "./errors";
import type { CircuitState } from "./types";

/*
 * A small consecutive-failure circuit breaker and a FIFO semaphore. Written here rather than taken
 * from cockatiel so that the state is a plain function of (failures, openedAt, clock): getHealth()
 * can report `half_open` as soon as the wait is over, before any call arrives, and the half-open
 * probe is exactly one call.
 */

export type BreakerTicket = { isProbe: boolean };

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly halfOpenAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === null) return "closed";
    return this.now() - this.openedAt >= this.halfOpenAfterMs ? "half_open" : "open";
  }

  /** True when a call would be let through now (does not reserve the half-open probe). */
  canPass(): boolean {
    const state = this.state;
    return state === "closed" || (state === "half_open" && !this.probeInFlight);
  }

  /** Lets one call through or throws `circuit_open`. In half-open, only one probe call at a time. */
  admit(action: string): BreakerTicket {
    const state = this.state;
    if (state === "closed") return { isProbe: false };
    if (state === "half_open" && !this.probeInFlight) {
      this.probeInFlight = true;
      return { isProbe: true };
    }
    throw circuitOpenError(action);
  }

  recordSuccess(ticket: BreakerTicket): void {
    this.failures = 0;
    this.openedAt = null;
    if (ticket.isProbe) this.probeInFlight = false;
  }

  /** Returns true when this failure opened (or re-opened) the circuit. */
  recordFailure(ticket: BreakerTicket): boolean {
    if (ticket.isProbe) {
      this.probeInFlight = false;
      this.openedAt = this.now();
      return true;
    }
    this.failures += 1;
    if (this.openedAt === null && this.failures >= this.threshold) {
      this.openedAt = this.now();
      return true;
    }
    return false;
  }
}

export function circuitOpenError(action: string): UpstreamError {
  return new UpstreamError({
    kind: "not_processed",
    code: "circuit_open",
    message: `GSM Fusion ${action}: not sent, the circuit breaker is open after repeated transport failures`,
  });
}

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    // The slot is handed over by release(), so `active` never exceeds the limit.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
