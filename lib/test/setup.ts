import { afterEach, beforeEach, vi } from "vitest";

// lib/ code reads the configuration through getEnv() (confirmBatch: the shop's daily limit). Tests must
// not depend on the shell's DAILY_SPEND_LIMIT, nor make getEnv() generate data/auth-secret.
delete process.env.DAILY_SPEND_LIMIT;
process.env.AUTH_SECRET ??= "vitest-secret-".padEnd(40, "x");

// A test fails on an unexpected console.error. Tests that expect one spy on it themselves.
let consoleErrors: unknown[][] = [];
beforeEach(() => {
  consoleErrors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
});
afterEach(() => {
  const seen = consoleErrors;
  vi.restoreAllMocks();
  if (seen.length > 0) {
    throw new Error(`unexpected console.error: ${seen.map((a) => a.map(String).join(" ")).join("\n")}`);
  }
});
