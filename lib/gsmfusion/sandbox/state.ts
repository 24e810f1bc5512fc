import { z } from "zod";
import type { ServiceKind } from "../types";
import { SANDBOX_SERVICES, type SandboxService } from "./catalogue";
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
    /**
     * A getimeis answer for several ids leaves out some of the orders it knows (each with probability ½,
     * at least one), as an answer cut short might: an id missing from a multi-id answer proves nothing.
     */
    partialGetimeis: probability.optional(),
    /** Answer with the XML padded to oversizeAnswerBytes (placeorder: after the charge, if any). */
    oversizeAnswer: probability.optional(),
    /** Size of an oversized answer. Default 5 MiB. */
    oversizeAnswerBytes: z.number().int().min(1).optional(),
  })
  .strict();
export type SandboxFaults = z.infer<typeof sandboxFaultsSchema>;

/** Changes to the built-in catalogue, as the live site makes them: a new price, a service withdrawn. */
export const sandboxCatalogueChangesSchema = z
  .object({
    /** Package id → new price, a decimal string such as "0.10". */
    prices: z.record(z.string(), z.string().regex(/^\d+(\.\d{1,6})?$/, "must be a decimal price")).optional(),
    /** Package ids no longer listed nor orderable. */
    retired: z.array(z.string()).optional(),
  })
  .strict();
export type SandboxCatalogueChanges = z.infer<typeof sandboxCatalogueChangesSchema>;

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

/**
 * Other customers of the site: their orders take ids between ours, and getimeis never shows them.
 * `maxBetween`: up to this many (uniformly 0…max) before each of our placements; `everyMs`: one more per
 * this many ms since the previous placement (orders keep arriving while we are idle), at most `maxIdle`.
 */
export type SandboxForeignOrders = { maxBetween: number; everyMs: number; maxIdle: number };
export const DEFAULT_FOREIGN_ORDERS: SandboxForeignOrders = { maxBetween: 3, everyMs: 500, maxIdle: 20 };

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
  private currentCatalogueChanges: SandboxCatalogueChanges = {};
  private faultDraw: () => number;
  private nextOrderId = FIRST_ORDER_ID;
  private readonly foreignDraw: () => number;
  private lastPlacedAtMs = 0;
  /** How many ids other customers took so far (never shown by getimeis). */
  foreignCount = 0;
  /** `serviceId:imei` of every order, for the duplicate guard. */
  private readonly placedKeys = new Set<string>();

  constructor(
    readonly seed: number,
    readonly timing: SandboxTiming,
    faults: SandboxFaults = {},
    readonly foreign: SandboxForeignOrders | null = DEFAULT_FOREIGN_ORDERS,
  ) {
    this.faultDraw = createPrng(seed);
    // A PRNG of its own, so the fault draws of a seed stay what they were.
    this.foreignDraw = createPrng(seed ^ 0x5eed);
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

  get catalogueChanges(): SandboxCatalogueChanges {
    return this.currentCatalogueChanges;
  }

  /** Replaces the catalogue changes: prices and retired services apply to listings and new orders. */
  setCatalogueChanges(changes: SandboxCatalogueChanges): void {
    this.currentCatalogueChanges = sandboxCatalogueChangesSchema.parse(changes);
  }

  /** The services of a kind as listed now: retired ones left out, changed prices applied. */
  listServices(kind: ServiceKind): SandboxService[] {
    const { prices = {}, retired = [] } = this.currentCatalogueChanges;
    return SANDBOX_SERVICES.filter((s) => s.kind === kind && !retired.includes(s.id)).map((s) => ({
      ...s,
      price: prices[s.id] ?? s.price,
    }));
  }

  /** Clears orders, charges, faults, catalogue changes and stats (order ids keep increasing, as on a shared live site). */
  reset(): void {
    this.orders.clear();
    this.placedKeys.clear();
    this.charges.length = 0;
    this.stats = { calls: {}, maxInFlight: 0, inFlight: 0 };
    this.setFaults({});
    this.currentCatalogueChanges = {};
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

  /** Our next order id, after the ids other customers' orders took meanwhile. */
  private takeOrderId(now: number): string {
    if (this.foreign) {
      const { maxBetween, everyMs, maxIdle } = this.foreign;
      const idle =
        this.lastPlacedAtMs > 0 ? Math.min(Math.floor((now - this.lastPlacedAtMs) / everyMs), maxIdle) : 0;
      const gap = Math.floor(this.foreignDraw() * (maxBetween + 1)) + idle;
      this.nextOrderId += gap;
      this.foreignCount += gap;
    }
    this.lastPlacedAtMs = now;
    return String(this.nextOrderId++);
  }

  /** Places and charges one order. The caller has checked for a duplicate. */
  placeOrder(service: SandboxService, imei: string): SandboxOrder {
    const now = Date.now();
    const order: SandboxOrder = {
      id: this.takeOrderId(now),
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
    return this.listServices("imei").find((s) => s.id === id);
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
