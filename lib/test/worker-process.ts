/**
 * `npm run worker` as a child process of a test: started with the test's database and sandbox, its JSON
 * log lines collected, stopped with SIGTERM (graceful) or SIGKILL (a crash).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type WorkerProcess = {
  child: ChildProcess;
  /** Parsed JSON log lines (other stdout/stderr lines are kept as `{ msg: line }`). */
  lines: { level?: string; msg: string; [key: string]: unknown }[];
  /** Resolves once the engine logged that it started. */
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function spawnWorkerProcess(input: {
  databaseUrl: string;
  upstreamUrl: string;
  env?: Record<string, string>;
}): WorkerProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["GSM_FUSION_USERNAME", "GSM_FUSION_API_KEY", "DAILY_SPEND_LIMIT", "NODE_OPTIONS"])
    delete env[name];
  Object.assign(env, {
    DATABASE_URL: input.databaseUrl,
    GSM_FUSION_BASE_URL: input.upstreamUrl,
    AUTH_SECRET: "crash-test-secret-".padEnd(40, "z"),
    SUBMIT_CONCURRENCY: "16",
    WORKER_ENABLED: "true",
    ...input.env,
  });
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
    {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: WorkerProcess["lines"] = [];
  let markStarted: () => void = () => undefined;
  let failStart: (error: Error) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  started.catch(() => undefined); // awaited by the caller when it cares; never an unhandled rejection
  const onData = (buffer: { carry: string }) => (chunk: Buffer) => {
    buffer.carry += chunk.toString("utf8");
    const parts = buffer.carry.split("\n");
    buffer.carry = parts.pop() ?? "";
    for (const text of parts) {
      if (!text.trim()) continue;
      let line: WorkerProcess["lines"][number];
      try {
        line = JSON.parse(text) as WorkerProcess["lines"][number];
      } catch {
        line = { msg: text };
      }
      lines.push(line);
      if (line.msg === "order engine started") markStarted();
    }
  };
  child.stdout!.on("data", onData({ carry: "" }));
  child.stderr!.on("data", onData({ carry: "" }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      failStart(
        new Error(
          `worker process exited before starting (code ${code}, signal ${signal}): ${lines.map((l) => l.msg).join(" | ")}`,
        ),
      );
      resolve({ code, signal });
    });
  });
  return {
    child,
    lines,
    started,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
