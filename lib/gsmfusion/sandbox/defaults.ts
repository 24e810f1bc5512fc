/** Defaults of the sandbox upstream. No imports here: lib/env.ts imports this file. */
export const SANDBOX_DEFAULTS = {
  port: 4010,
  username: "sandbox",
  apiKey: "SAND-BOX0-DEMO-KEY0-0001",
} as const;
