import { describe, expect, it } from "vitest";
import { formatCount, formatDateTime, formatMoney, plural, resolveTimeZone } from "./format";

describe("formatMoney", () => {
  it("formats micros and the API's decimal strings alike", () => {
    expect(formatMoney(80_000n)).toBe("$0.08");
    expect(formatMoney("0.08")).toBe("$0.08");
    expect(formatMoney("1234.5")).toBe("$1,234.50");
    expect(formatMoney("1600.000001")).toBe("$1,600.000001");
  });

  it("shows a missing amount as a dash and an unreadable one as it came", () => {
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney(undefined)).toBe("—");
    expect(formatMoney("n/a")).toBe("n/a");
  });
});

describe("formatCount and plural", () => {
  it("group thousands and pick the word", () => {
    expect(formatCount(20_000)).toBe("20,000");
    expect(plural(1, "order")).toBe("1 order");
    expect(plural(1_234, "order")).toBe("1,234 orders");
    expect(plural(2, "match", "matches")).toBe("2 matches");
  });
});

describe("formatDateTime", () => {
  const winter = "2026-12-01T16:05:09.000Z";
  const summer = new Date("2026-07-01T16:05:09.000Z");

  it("is 24-hour, in the given zone, with the zone named", () => {
    expect(formatDateTime(winter, "UTC")).toBe("2026-12-01 16:05 UTC");
    expect(formatDateTime(winter, "Europe/Berlin")).toBe("2026-12-01 17:05 GMT+1");
    expect(formatDateTime(summer, "Europe/Berlin")).toBe("2026-07-01 18:05 GMT+2");
    expect(formatDateTime(winter, "America/New_York")).toBe("2026-12-01 11:05 EST");
    expect(formatDateTime("2026-12-01T23:30:00.000Z", "Asia/Kolkata")).toBe("2026-12-02 05:00 GMT+5:30");
    expect(formatDateTime(winter, "UTC", { seconds: true })).toBe("2026-12-01 16:05:09 UTC");
  });

  it("midnight is 00, not 24", () => {
    expect(formatDateTime("2026-12-01T00:00:00.000Z", "UTC")).toBe("2026-12-01 00:00 UTC");
  });

  it("falls back to UTC for a zone the runtime does not know", () => {
    expect(formatDateTime(winter, "Mars/Olympus_Mons")).toBe("2026-12-01 16:05 UTC");
  });

  it("shows no time as a dash and an unreadable one as it came", () => {
    expect(formatDateTime(null, "UTC")).toBe("—");
    expect(formatDateTime("", "UTC")).toBe("—");
    expect(formatDateTime("yesterday", "UTC")).toBe("yesterday");
  });
});

describe("resolveTimeZone", () => {
  it("keeps a zone the runtime knows, as spelt", () => {
    expect(resolveTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(resolveTimeZone("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires");
    expect(resolveTimeZone("Etc/GMT+3")).toBe("Etc/GMT+3");
  });

  it("turns anything else into UTC", () => {
    for (const bad of [undefined, null, "", "Mars/Olympus_Mons", "Europe/Berlin; path=/", "x".repeat(65)])
      expect(resolveTimeZone(bad)).toBe("UTC");
  });
});
