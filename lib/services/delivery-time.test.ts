import { describe, expect, it } from "vitest";
import { parseDeliveryMaxMinutes } from "./delivery-time";

describe("parseDeliveryMaxMinutes", () => {
  it.each([
    ["Instant", 0],
    ["instant", 0],
    ["Instantly", 0],
    ["Instant-5 Minutes", 5],
    ["Instant - 10 Minutes", 10],
    ["Instant-1 Hour", 60],
    ["1-24 Hours", 1440],
    ["1-3 Days", 4320],
    ["5-10 Minutes", 10],
    ["30 Min", 30],
    ["30 Mins", 30],
    ["1-30 Minutes", 30],
    ["24 Hours", 1440],
    ["24h", 1440],
    ["1 - 6 hrs", 360],
    ["1.5 Hours", 90],
    ["2 to 4 Weeks", 40320],
    ["1-3 Business Days", 4320],
    ["30 Seconds", 1],
    ["1 Hour - 2 Days", 2880],
    ["Up to 1 Month", 43200],
    ["  1-12   Hours ", 720],
  ])("%j → %j", (text, expected) => {
    expect(parseDeliveryMaxMinutes(text)).toBe(expected);
  });

  it.each(["", "N/A", "Varies", "1-3", "ASAP", "24/7"])("%j is unparseable (null)", (text) => {
    expect(parseDeliveryMaxMinutes(text)).toBeNull();
  });
});
