// Writes one Prisma schema per provider from prisma/schema.prisma and generates both clients.
// Runs on `npm install` (postinstall) and as `npm run db:generate`.
//
// Prisma's CLI wants a schema-engine binary even for `generate`, and this project's machines cannot
// download one. `generate` never runs the engine, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// file only skips the download. In that mode `prisma migrate`/`db` silently do nothing: migrations are
// applied by lib/db/migrate.ts instead.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

for (const provider of ["sqlite", "postgresql"]) {
  const dir = path.join(root, "prisma/generated", provider);
  mkdirSync(dir, { recursive: true });
  const schema = source
    .replace(
      'output       = "../lib/generated/PROVIDER"',
      `output       = "../../../lib/generated/${provider}"`,
    )
    .replace('provider = "PROVIDER"', `provider = "${provider}"`);
  if (schema.includes("PROVIDER")) throw new Error("prisma/schema.prisma: PROVIDER placeholder not replaced");
  const file = path.join(dir, "schema.prisma");
  writeFileSync(
    file,
    `// Generated from prisma/schema.prisma by scripts/prisma-generate.mjs. Do not edit.\n${schema}`,
  );
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", file],
    {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  console.log(`prisma: generated the ${provider} client`);
}
