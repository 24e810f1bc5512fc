import { describe, expect, it } from "vitest";
import { catalogueQuerySchema } from "./schemas";
import { filterCatalogue, sortCatalogue } from "./search";

const services = [
  { id: "20", title: "10-7.10# Apple GSX", category: "IMEI Checking" },
  { id: "9", title: "10-7.9# Apple FMI", category: "IMEI Checking" },
  { id: "1810", title: "11-1# Samsung Info", category: "samsung" },
  { id: "1812", title: "11-3# USA Unlock", category: "Samsung" },
];

describe("sortCatalogue", () => {
  it("orders by category (ignoring case), then title with numbers compared as numbers", () => {
    expect(sortCatalogue(services).map((s) => s.id)).toEqual(["9", "20", "1810", "1812"]);
  });
});

describe("filterCatalogue", () => {
  it("needs every word somewhere in title, category or id", () => {
    expect(filterCatalogue(services, { q: "apple  7.9" }).map((s) => s.id)).toEqual(["9"]);
    expect(filterCatalogue(services, { q: "SAMSUNG unlock" }).map((s) => s.id)).toEqual(["1812"]);
    expect(filterCatalogue(services, { q: "181" }).map((s) => s.id)).toEqual(["1810", "1812"]);
    expect(filterCatalogue(services, { q: "" })).toHaveLength(4);
  });

  it("filters one category exactly, ignoring case", () => {
    expect(filterCatalogue(services, { category: "SAMSUNG" }).map((s) => s.id)).toEqual(["1810", "1812"]);
    expect(filterCatalogue(services, { category: "Sam" })).toEqual([]);
  });
});

describe("catalogueQuerySchema", () => {
  it("trims, treats empty as absent, and refuses very long input", () => {
    expect(catalogueQuerySchema.parse({ q: "  samsung ", category: "" })).toEqual({
      q: "samsung",
      category: undefined,
    });
    expect(catalogueQuerySchema.parse({})).toEqual({ q: undefined, category: undefined });
    expect(catalogueQuerySchema.safeParse({ q: "x".repeat(201) }).success).toBe(false);
  });
});
