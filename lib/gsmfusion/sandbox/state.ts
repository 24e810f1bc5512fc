import { z } from "zod";
import { type SandboxService, findSandboxService } from "./catalogue";
import { createPrng, sumDecimals } from "./prng";
import { type SandboxOutcome, decideOutcome } from "./results";

const probability = z.number().min(0).max(1);
const nonNegative = z.number().min(0);

/** Fault injection. Probabilities are drawn from a PRNG seeded by `seed`, so runs repeat. */
export const sandboxFaultsSchema = z
  .object({
    seed: z.number().int().optional(),
    latencyMs: z
      .object({ placeorder: nonNegative.optional(), read: nonNegative.optional() })
      .strict()
      .optional(),
    jitterMs: nonNegative.optional(),
    rate429: probability.optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    rate503: probability.optional(),
    /** Charge, then destroy the socket without answering. */
    dropAfterCharge: probability.optional(),
    delayAfterChargeMs: nonNegative.optional(),
    /** Charge, then hold the answer for delayAfterChargeMs. */
    rateDelayAfterCharge: probability.optional(),
    /** Charge, then send only the first half of the XML. */
    truncateAfterCharge: probability.optional(),
    /** Charge, then answer 502 as a gateway that lost the answer. */
    rate502AfterCharge: probability.optional(),
    /** Above this many calls in flight, answer 429. */
    maxConcurrent: z.number().int().min(1).optional(),
  })
  .strict();
export type SandboxFaults = z.infer<typeof sandboxFaultsSchema>;

export type SandboxTiming = { inProcessAfterMs: number; finalAfterMs: number };

export type SandboxCharge = { orderId: string; imei: string; serviceId: string; price: string; at: string };

export type SandboxOrder = {
  id: string;
  imei: string;
  serviceId: string;
  packageTitle: string;
  price: string;
  placedAtMs: number;
  requestedAt: string;
  outcome: SandboxOutcome;
};

export type SandboxOrderStatus = "Pending" | "In Process" | "Completed" | "Rejected";

export type SandboxStats = { calls: Record<string, number>; maxInFlight: number; inFlight: number };

export const FIRST_ORDER_ID = 15556534;

/** `YYYY-MM-DD HH:MM:SS`, as the live `requestedat` (UTC here; the live zone is unstated). */
function formatRequestedAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** Everything the sandbox remembers. Tests reach it in-process through the handle's `state`. */
export class SandboxState {
  readonly charges: SandboxCharge[] = [];
  readonly orders = new Map<string, SandboxOrder>();
  stats: SandboxStats = { calls: {}, maxInFlight: 0, inFlight: 0 };
  private currentFaults: SandboxFaults = {};
  private faultDraw: () => number;
  private nextOrderId = FIRST_ORDER_ID;
  /** `serviceId:imei` of every order, for the duplicate guard. */
  private readonly placedKeys = new Set<string>();

  constructor(
    readonly seed: number,
    readonly timing: SandboxTiming,
    faults: SandboxFaults = {},
  ) {
    this.faultDraw = createPrng(seed);
    this.setFaults(faults);
  }

  get faults(): SandboxFaults {
    return this.currentFaults;
  }

  /** Replaces the whole fault config and restarts the fault PRNG from its seed. */
  setFaults(faults: SandboxFaults): void {
    this.currentFaults = sandboxFaultsSchema.parse(faults);
    this.faultDraw = createPrng(this.currentFaults.seed ?? this.seed);
  }

  /** Clears orders, charges, faults and stats (order ids keep increasing, as on a shared live site). */
  reset(): void {
    this.orders.clear();
    this.placedKeys.clear();
    this.charges.length = 0;
    this.stats = { calls: {}, maxInFlight: 0, inFlight: 0 };
    this.setFaults({});
  }

  /** True with the given probability, drawn from the seeded fault PRNG. */
  roll(probability: number | undefined): boolean {
    if (!probability) return false;
    return this.faultDraw() < probability;
  }

  jitter(): number {
    const jitterMs = this.currentFaults.jitterMs ?? 0;
    return jitterMs > 0 ? this.faultDraw() * jitterMs : 0;
  }

  countCall(action: string): void {
    this.stats.calls[action] = (this.stats.calls[action] ?? 0) + 1;
  }

  enter(): void {
    this.stats.inFlight += 1;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
  }

  leave(): void {
    this.stats.inFlight -= 1;
  }

  hasOrder(serviceId: string, imei: string): boolean {
    return this.placedKeys.has(`${serviceId}:${imei}`);
  }

  /** Places and charges one order. The caller has checked for a duplicate. */
  placeOrder(service: SandboxService, imei: string): SandboxOrder {
    const now = Date.now();
    const order: SandboxOrder = {
      id: String(this.nextOrderId++),
      imei,
      serviceId: service.id,
      packageTitle: service.title,
      price: service.price,
      placedAtMs: now,
      requestedAt: formatRequestedAt(now),
      outcome: decideOutcome(this.seed, service.id, service.style, imei),
    };
    this.orders.set(order.id, order);
    this.placedKeys.add(`${service.id}:${imei}`);
    this.charges.push({
      orderId: order.id,
      imei,
      serviceId: service.id,
      price: service.price,
      at: new Date(now).toISOString(),
    });
    return order;
  }

  findService(id: string): SandboxService | undefined {
    return findSandboxService(id, "imei");
  }

  /** Pending → In Process → Completed/Rejected as time passes. */
  statusOf(order: SandboxOrder, now = Date.now()): SandboxOrderStatus {
    const age = now - order.placedAtMs;
    if (age >= this.timing.finalAfterMs)
      return order.outcome.status === "completed" ? "Completed" : "Rejected";
    if (age >= this.timing.inProcessAfterMs) return "In Process";
    return "Pending";
  }

  totalCharged(): string {
    return sumDecimals(this.charges.map((c) => c.price));
  }

  /** Orders as JSON for the control API, with their current status. */
  listOrders(): Array<Omit<SandboxOrder, "outcome"> & { status: SandboxOrderStatus; code: string | null }> {
    const now = Date.now();
    return [...this.orders.values()].map((order) => {
      const status = this.statusOf(order, now);
      const { outcome, ...rest } = order;
      const isFinal = status === "Completed" || status === "Rejected";
      return { ...rest, status, code: isFinal ? outcome.code : null };
    });
  }
}
