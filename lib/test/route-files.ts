/**
 * The HTTP API v1 as its route files declare it (app/api/v1/**\/route.ts), for the tests that must cover
 * every route: the OpenAPI document's, and the permission table's. A new route file is found here by
 * itself, so those tests fail until it is described and covered.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { HTTP_METHODS } from "@/lib/openapi";

const appDir = path.resolve(import.meta.dirname, "../../app");
const v1Dir = path.join(appDir, "api/v1");

export type RouteMethod = {
  /** "METHOD /api/v1/path/{param}" */
  key: string;
  method: string;
  template: string;
  /** The route file, relative to app/api/v1. */
  file: string;
  wrapper: string;
  role: string | undefined;
};

/** Each exported handler of app/api/v1/**\/route.ts as "METHOD /api/v1/path/{param}". */
export function scanRoutes(): RouteMethod[] {
  const files = (readdirSync(v1Dir, { recursive: true }) as string[]).filter(
    (file) => path.basename(file) === "route.ts",
  );
  return files.flatMap((file) => {
    const template =
      "/" +
      path
        .relative(appDir, path.join(v1Dir, path.dirname(file)))
        .split(path.sep)
        .filter((segment) => !/^\(.*\)$/.test(segment))
        .map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}"))
        .join("/");
    const source = readFileSync(path.join(v1Dir, file), "utf8");
    // Each export runs to the next one: its wrapper, and the role passed to it if any.
    const exports = source.split(/(?=^export )/m).filter((chunk) => chunk.startsWith("export "));
    return exports.flatMap((chunk) => {
      const method = new RegExp(`^export (?:const|async function) (${HTTP_METHODS.join("|")})\\b`).exec(
        chunk,
      )?.[1];
      if (!method) return [];
      return [
        {
          key: `${method} ${template}`,
          method,
          template,
          file: file.split(path.sep).join("/"),
          wrapper: /^export const \w+ = (with(?:out)?Auth)\b/.exec(chunk)?.[1] ?? "unwrapped",
          role: /\brole:\s*"(\w+)"/.exec(chunk)?.[1],
        },
      ];
    });
  });
}
