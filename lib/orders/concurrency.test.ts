import { expect, it } from "vitest";
import { AdaptiveConcurrency } from "./concurrency";

it("halves on each not-processed answer, never below one", () => {
  const c = new AdaptiveConcurrency(16);
  expect(c.limit).toBe(16);
  c.recordNotProcessed();
  expect(c.limit).toBe(8);
  for (let i = 0; i < 10; i += 1) c.recordNotProcessed();
  expect(c.limit).toBe(1);
  expect(new AdaptiveConcurrency(0).limit).toBe(1);
});

it("rises by one after a full window of successes, up to the maximum", () => {
  const c = new AdaptiveConcurrency(4);
  c.recordNotProcessed(); // 2
  c.recordSuccess();
  expect(c.limit).toBe(2);
  c.recordSuccess(); // a window of 2
  expect(c.limit).toBe(3);
  for (let i = 0; i < 3; i += 1) c.recordSuccess();
  expect(c.limit).toBe(4);
  for (let i = 0; i < 20; i += 1) c.recordSuccess();
  expect(c.limit).toBe(4);
});

it("a not-processed answer restarts the window of successes", () => {
  const c = new AdaptiveConcurrency(8);
  c.recordNotProcessed(); // 4
  for (let i = 0; i < 3; i += 1) c.recordSuccess();
  c.recordNotProcessed(); // 2, window restarts
  c.recordSuccess();
  expect(c.limit).toBe(2);
  c.recordSuccess();
  expect(c.limit).toBe(3);
});
