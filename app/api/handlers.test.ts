/**
 * Route handlers take the database, the upstream client and the order engine from the wrapper
 * (`withAuth` / `withoutAuth` in lib/api.ts), never from the process-wide getters: that is what lets a
 * test bind a route to its own dependencies with `route.withDeps(deps)`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

// next-auth's catch-all route is next-auth's own handler; it reads the database through lib/auth/options.
const NOT_WRAPPED = new Set(["auth/[...nextauth]/route.ts"]);

const apiDir = import.meta.dirname;
const routeFiles = (readdirSync(apiDir, { recursive: true }) as string[])
  .filter((file) => path.basename(file) === "route.ts")
  .map((file) => file.split(path.sep).join("/"))
  .sort();
const sourceOf = (file: string) => readFileSync(path.join(apiDir, file), "utf8");

it("finds the route files", () => {
  expect(routeFiles).toContain("v1/batches/route.ts");
  expect(routeFiles).toContain("health/route.ts");
});

it("no route handler calls getDb, getUpstream or getEngine", () => {
  const offenders = routeFiles.filter((file) => /\b(getDb|getUpstream|getEngine)\b/.test(sourceOf(file)));
  expect(offenders).toEqual([]);
});

it("every exported handler is made by withAuth or withoutAuth", () => {
  const offenders: string[] = [];
  for (const file of routeFiles.filter((f) => !NOT_WRAPPED.has(f))) {
    const source = sourceOf(file);
    const methods = [...source.matchAll(/export (?:async function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)];
    expect(methods.length, file).toBeGreaterThan(0);
    const wrapped = [...source.matchAll(/export const (?:GET|POST|PUT|PATCH|DELETE) = with(?:out)?Auth\b/g)];
    if (wrapped.length !== methods.length) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});
