/**
 * `npm run sandbox`: the GSM Fusion sandbox upstream on its own.
 * SANDBOX_PORT (default 4010), GSM_FUSION_USERNAME and GSM_FUSION_API_KEY (default: the sandbox's own).
 */
import { log } from "@/lib/log";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { startSandbox } from "@/lib/gsmfusion/sandbox/server";

async function main(): Promise<void> {
  const rawPort = process.env.SANDBOX_PORT ?? String(SANDBOX_DEFAULTS.port);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    log.error("SANDBOX_PORT must be a port number", { value: rawPort });
    process.exit(1);
  }
  const sandbox = await startSandbox({
    port,
    username: process.env.GSM_FUSION_USERNAME || SANDBOX_DEFAULTS.username,
    apiKey: process.env.GSM_FUSION_API_KEY || SANDBOX_DEFAULTS.apiKey,
  });
  process.stdout.write(
    `GSM Fusion sandbox listening on ${sandbox.url} (control API: ${sandbox.url}/__sandbox/)\n`,
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info("sandbox: shutting down", { signal });
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  log.error("sandbox failed to start", { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
