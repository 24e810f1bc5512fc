/**
 * The OpenAPI document against the route files it describes (every route and method has an operation,
 * and every operation a route, with the same auth and role), and its structure: OpenAPI 3.1, references
 * that resolve, unique operation ids, the errors each kind of route can give.
 */
import { describe, expect, it } from "vitest";
import { BATCH_EVENTS } from "@/lib/batches/schemas";
import { ERROR_STATUS } from "@/lib/errors";
import { scanRoutes } from "@/lib/test/route-files";
import { buildOpenApiDocument, OPERATIONS, type JsonObject } from "./openapi";

const document = buildOpenApiDocument();
const paths = document.paths as Record<string, Record<string, JsonObject>>;
const operations = Object.entries(paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    key: `${method.toUpperCase()} ${template}`,
    operation,
  })),
);

/** Every object in the document with its JSON pointer. */
function* walk(value: unknown, pointer = "#"): Generator<[string, JsonObject]> {
  if (typeof value !== "object" || value === null) return;
  yield [pointer, value as JsonObject];
  for (const [key, child] of Object.entries(value)) {
    yield* walk(child, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
  }
}

function resolvePointer(ref: string): unknown {
  const segments = ref
    .slice(2)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  return segments.reduce<unknown>(
    (node, segment) =>
      typeof node === "object" && node !== null ? (node as JsonObject)[segment] : undefined,
    document,
  );
}

/**
 * The error codes an operation's error response stands for: a shared response by reference, or (where
 * codes share a status) one of their narrowed Error schemas.
 */
function errorCodesOf(response: JsonObject): string[] {
  if (typeof response.$ref === "string") {
    const match = /^#\/components\/responses\/(\w+)$/.exec(response.$ref);
    return match ? [match[1]!] : [];
  }
  const content = response.content as Record<string, { schema: { oneOf?: JsonObject[] } }> | undefined;
  return (content?.["application/json"]?.schema.oneOf ?? []).map((schema) => {
    const [shared, narrowed] = schema.allOf as JsonObject[];
    expect(shared).toEqual({ $ref: "#/components/schemas/Error" });
    return (narrowed as { properties: { error: { properties: { code: { const: string } } } } }).properties
      .error.properties.code.const;
  });
}

describe("the OpenAPI document covers the route files", () => {
  const routes = scanRoutes();

  it("finds the v1 route files, this document's own among them", () => {
    expect(routes.map((r) => r.key)).toEqual(
      expect.arrayContaining([
        "POST /api/v1/batches",
        "GET /api/v1/batches/{id}/events",
        "GET /api/v1/orders/export.csv",
        "GET /api/v1/openapi.json",
      ]),
    );
  });

  it("has an operation for every route and method, and none for a route that does not exist", () => {
    const documented = operations.map((o) => o.key).sort();
    expect(documented).toEqual(routes.map((r) => r.key).sort());
  });

  it("states each route's auth and role as the route file does", () => {
    for (const route of routes) {
      const op = OPERATIONS.find((o) => `${o.method} ${o.path}` === route.key);
      if (!op) continue; // reported by the test above
      expect(route.wrapper, route.key).toMatch(/^with(out)?Auth$/);
      expect(op.public ?? false, route.key).toBe(route.wrapper === "withoutAuth");
      expect(op.role, route.key).toBe(route.role);
    }
  });
});

describe("the OpenAPI document's structure", () => {
  it("is OpenAPI 3.1 with a title and a version", () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it("resolves every $ref inside the document", () => {
    const refs = [...walk(document)].filter(([, node]) => typeof node.$ref === "string");
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs
      .map(([at, node]) => ({ at, ref: node.$ref as string }))
      .filter(({ ref }) => !ref.startsWith("#/") || resolvePointer(ref) === undefined);
    expect(broken).toEqual([]);
  });

  it("leaves no $defs or $schema behind (shared shapes live in components.schemas)", () => {
    const leftovers = [...walk(document)].filter(([, node]) => "$defs" in node || "$schema" in node);
    expect(leftovers.map(([at]) => at)).toEqual([]);
  });

  it("gives every operation a unique operationId, a tag, a success response and the shared error model", () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = (document.tags as { name: string }[]).map((t) => t.name);
    for (const { key, operation } of operations) {
      expect(
        (operation.tags as string[]).every((tag) => tags.includes(tag)),
        key,
      ).toBe(true);
      const responses = operation.responses as Record<string, JsonObject>;
      const statuses = Object.keys(responses);
      expect(
        statuses.some((s) => /^2\d\d$/.test(s)),
        key,
      ).toBe(true);
      expect(
        statuses.every((s) => /^[1-5]\d\d$/.test(s)),
        key,
      ).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(errorCodesOf(responses[status]!), `${key} ${status}`).not.toEqual([]);
      }
    }
  });

  it("answers each error status with the error code of that status, in the shared Error schema", () => {
    const responses = (document.components as { responses: Record<string, JsonObject> }).responses;
    expect(Object.keys(responses).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, JsonObject>)) {
        if (Number(status) < 400) continue;
        for (const code of errorCodesOf(response))
          expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], `${key} ${status} ${code}`).toBe(
            Number(status),
          );
      }
    }
    const confirm = operations.find((o) => o.key === "POST /api/v1/batches/{id}/confirm")!.operation;
    expect(errorCodesOf((confirm.responses as Record<string, JsonObject>)["409"]!)).toEqual([
      "conflict",
      "price_changed",
      "service_retired",
    ]);
    expect(JSON.stringify(responses.not_found)).toContain('"$ref":"#/components/schemas/Error"');
  });

  it("lists the errors each kind of route can give: auth, ids, bodies, queries", () => {
    for (const { key, operation } of operations) {
      const statuses = Object.keys(operation.responses as JsonObject).map(Number);
      const parameters = operation.parameters as { in: string }[];
      const expected = [
        ...(operation.security ? [] : [401]),
        ...(operation["x-required-role"] ? [403] : []),
        ...(key.includes("{") ? [404] : []),
        ...(operation.requestBody ? [400, 422] : []),
        ...(parameters.some((p) => p.in === "query") ? [422] : []),
        500,
      ];
      expect(statuses, key).toEqual(expect.arrayContaining(expected));
    }
  });

  it("declares every path parameter of each template, and only those", () => {
    for (const { key, operation } of operations) {
      const inTemplate = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters as { in: string; name: string; required: boolean }[]).filter(
        (p) => p.in === "path",
      );
      expect(
        declared.map((p) => p.name),
        key,
      ).toEqual(inTemplate);
      expect(
        declared.every((p) => p.required),
        key,
      ).toBe(true);
    }
  });

  it("names security schemes that exist: the session cookie and API tokens", () => {
    const schemes = (document.components as { securitySchemes: Record<string, JsonObject> }).securitySchemes;
    expect(schemes.sessionCookie).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "next-auth.session-token",
    });
    expect(schemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const requirements = [document.security, ...operations.map((o) => o.operation.security)]
      .filter(Boolean)
      .flat() as Record<string, unknown>[];
    expect(requirements.flatMap((r) => Object.keys(r)).every((name) => name in schemes)).toBe(true);
  });

  it("describes the export as CSV and the events as a stream of the BATCH_EVENTS shapes", () => {
    const content = (key: string) => {
      const op = operations.find((o) => o.key === key)!.operation;
      return (op.responses as Record<string, { content: JsonObject }>)["200"]!.content;
    };
    expect(Object.keys(content("GET /api/v1/orders/export.csv"))).toEqual(["text/csv"]);
    const stream = content("GET /api/v1/batches/{id}/events")["text/event-stream"] as JsonObject;
    const events = (stream["x-itemSchema"] as { oneOf: { properties: { event: { const: string } } }[] })
      .oneOf;
    expect(events.map((e) => e.properties.event.const)).toEqual(Object.keys(BATCH_EVENTS));
    expect(JSON.stringify(events[0])).toContain(
      '"contentSchema":{"$ref":"#/components/schemas/BatchProgress"}',
    );
  });
});
