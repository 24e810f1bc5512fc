import { expect, it } from "vitest";
import { pickNextBatch, type ActiveBatch } from "./scheduling";

const batch = (id: string, ownerId: string, extra: Partial<ActiveBatch> = {}): ActiveBatch => ({
  id,
  ownerId,
  priority: 0,
  lastServedAt: null,
  state: "running",
  ...extra,
});
const ticks = (batch: Record<string, number> = {}, owner: Record<string, number> = {}) => ({
  batch: new Map(Object.entries(batch)),
  owner: new Map(Object.entries(owner)),
});

it("serves nothing when no batch has work", () => {
  expect(pickNextBatch([], ticks())).toBeNull();
});

it("serves the highest priority first, whoever was served last", () => {
  const batches = [batch("a", "ann"), batch("b", "bob", { priority: 5 })];
  expect(pickNextBatch(batches, ticks({ b: 9 }, { bob: 9 }))?.id).toBe("b");
});

it("then the operator served longest ago, then that operator's batch served longest ago", () => {
  const batches = [batch("a1", "ann"), batch("a2", "ann"), batch("b1", "bob")];
  expect(pickNextBatch(batches, ticks({ a1: 3, b1: 2 }, { ann: 3, bob: 2 }))?.id).toBe("b1");
  expect(pickNextBatch(batches, ticks({ a1: 3, a2: 1, b1: 4 }, { ann: 3, bob: 4 }))?.id).toBe("a2");
  // A batch this process never served (tick 0) comes before one it served.
  expect(pickNextBatch(batches, ticks({ a1: 1, b1: 2 }, { ann: 1, bob: 2 }))?.id).toBe("a2");
});

it("breaks ties across processes by lastServedAt", () => {
  const batches = [
    batch("late", "ann", { lastServedAt: new Date(2_000) }),
    batch("early", "bob", { lastServedAt: new Date(1_000) }),
  ];
  expect(pickNextBatch(batches, ticks())?.id).toBe("early");
});
