/**
 * Dev and test only: Prisma's Wasm schema engine, used to author migration SQL (`npm run db:diff`) and to
 * prove that a migrated database matches schema.prisma (lib/db/migrate.test.ts). The app never loads it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { DiffTarget, SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";
import { providerOf, sqlitePathOf, type Provider } from "./migrate";

type WasmModule = typeof import("@prisma/schema-engine-wasm") & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type FieldsResult = { fields?: { dataTypeID: number }[] };
function charFieldsAsText<T>(result: T): T {
  for (const field of (result as FieldsResult | undefined)?.fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

/**
 * The schema engine's introspection reads catalog columns of PostgreSQL's one-byte `"char"` type, which
 * @prisma/adapter-pg 7.10 does not map ("Column type 'char' could not be deserialized"). Its values arrive
 * as strings, so reporting them as text is exact.
 */
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads cannot be forwarded precisely
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, result: unknown) => last(err, charFieldsAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return out instanceof Promise ? out.then(charFieldsAsText) : out;
  }
}

let loaded: Promise<WasmModule> | undefined;

// The package imports its .wasm file as an ES module, which Node 20 cannot; instantiate it by hand.
function loadWasm(): Promise<WasmModule> {
  loaded ??= (async () => {
    const bgPath = path.resolve("node_modules/@prisma/schema-engine-wasm/schema_engine_bg.js");
    const bindings = (await import(pathToFileURL(bgPath).href)) as WasmModule;
    const { instance } = await WebAssembly.instantiate(readFileSync(bgPath.replace(/\.js$/, ".wasm")), {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return loaded;
}

export function generatedSchemaPath(provider: Provider): string {
  return path.resolve("prisma/generated", provider, "schema.prisma");
}

function schemaFiles(file: string) {
  return [{ path: file, content: readFileSync(file, "utf8") }];
}

async function engineFor(databaseUrl: string, schemaFile: string): Promise<SchemaEngine> {
  const wasm = await loadWasm();
  const factory =
    providerOf(databaseUrl) === "sqlite"
      ? new PrismaBetterSqlite3({
          url: databaseUrl === "file::memory:" ? ":memory:" : sqlitePathOf(databaseUrl),
        })
      : new PrismaPg(new pg.Pool({ connectionString: databaseUrl, Client: CharAsTextClient }));
  return wasm.SchemaEngine.new(
    { datamodels: [[schemaFile, readFileSync(schemaFile, "utf8")]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

async function diff(databaseUrl: string, schemaFile: string, from: DiffTarget): Promise<string> {
  const engine = await engineFor(databaseUrl, schemaFile);
  try {
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: schemaFiles(schemaFile) },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}

/** The SQL that would take the live database at `databaseUrl` to the schema; empty when they match. */
export async function diffDatabaseToSchema(databaseUrl: string, schemaFile: string): Promise<string> {
  const sql = await diff(databaseUrl, schemaFile, {
    tag: "schemaDatasource",
    files: schemaFiles(schemaFile),
    configDir: process.cwd(),
  });
  return sql.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

/** The SQL from one schema file (or nothing) to another, for authoring a migration. */
export function diffSchemas(provider: Provider, fromFile: string | null, toFile: string): Promise<string> {
  const url = provider === "sqlite" ? "file::memory:" : "postgres://postgres@127.0.0.1:5432/postgres";
  return diff(
    url,
    toFile,
    fromFile ? { tag: "schemaDatamodel", files: schemaFiles(fromFile) } : { tag: "empty" },
  );
}
