// Dev-only: prints the SQL from one Prisma schema to another for one provider, with Prisma's Wasm
// schema engine (no native engine is needed or downloadable here).
//   npm run db:diff -- sqlite|postgresql [FROM_SCHEMA_FILE]
// FROM is the previous provider schema (omit it for an empty database); TO is the current
// prisma/generated/<provider>/schema.prisma. Review the output, then commit it as
// prisma/migrations/<provider>/<yyyymmddhhmmss>_<name>/migration.sql.
import { diffSchemas, generatedSchemaPath } from "@/lib/db/schema-engine";

const [provider, from] = process.argv.slice(2);
if (provider !== "sqlite" && provider !== "postgresql") {
  console.error("usage: npm run db:diff -- sqlite|postgresql [FROM_SCHEMA_FILE]");
  process.exit(2);
}
process.stdout.write(await diffSchemas(provider, from ?? null, generatedSchemaPath(provider)));
