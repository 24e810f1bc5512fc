// npm run db:migrate — applies pending migrations to DATABASE_URL (the app and the worker also do this
// when they start).
import { getEnv } from "@/lib/env";
import { migrateDatabase } from "@/lib/db/migrate";
import { runCli } from "./cli";

await runCli(async () => {
  const { databaseUrl } = getEnv();
  const result = await migrateDatabase(databaseUrl);
  const where = databaseUrl.startsWith("file:") ? databaseUrl : "PostgreSQL";
  console.log(
    result.applied.length > 0
      ? `Applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
      : `${where} is up to date (${result.alreadyApplied} migration(s) applied).`,
  );
});
