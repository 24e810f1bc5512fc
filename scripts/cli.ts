// Shared entry for the command-line tools: one clear line on failure, exit code 1.
import { z } from "zod";
import { EnvError } from "@/lib/env";

/** A schema field (dailyLimit) as the flag a person typed (--daily-limit). */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((i) => `--${kebab(i.path.join("."))} ${i.message}`).join("; ")
        : error instanceof Error
          ? error.message
          : String(error);
    console.error(error instanceof EnvError ? message : `Error: ${message}`);
    process.exitCode = 1;
  }
}

/** Parses `--name value` pairs; a flag without a value is an error. */
export function parseFlags(argv: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const name = arg.replace(/^--/, "");
    if (!arg.startsWith("--") || !allowed.includes(name)) {
      throw new Error(`unknown argument ${arg}; expected ${allowed.map((a) => `--${a}`).join(", ")}`);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
    flags[name] = value;
    i += 1;
  }
  return flags;
}
