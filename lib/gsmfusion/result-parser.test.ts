import { describe, expect, it } from "vitest";
import { parseOrdersAnswer } from "./answers";
import { parseResultCode } from "./result-parser";
import { readFixture } from "./test-helpers";
import { parseXmlAnswer } from "./xml";

function codesOf(fixture: string): string[] {
  const answer = parseXmlAnswer(readFixture(fixture), "getimeis");
  const ids = new Set(["1", "2", "3", "4", "5", "7", "15556534", "101"]);
  return parseOrdersAnswer(answer, ids).map((o) => o.code ?? "");
}

describe("parseResultCode", () => {
  it("parses the live Apple checker result from the protocol fixture", () => {
    const [code = ""] = codesOf("getimeis-protocol.xml");
    const result = parseResultCode(code);
    expect(result.raw).toBe(code);
    expect(result).toMatchObject({
      model: "iPhone 11 Purple 64GB",
      imei: "353979106673567",
      serial: "…",
      imei2: "353979106589748",
      fmi: "ON",
      simLock: "Unlocked",
    });
    expect(result.unknownLabels).toEqual([]);
    expect(result.text.split("\n")).toHaveLength(7);
  });

  it("maps every label of the live Apple format, in the live order", () => {
    const code = [
      "Model: iPhone 13 Midnight 128GB",
      "IMEI Number: 353979106673567",
      "Serial Number: F2LXK0ABCD12",
      "IMEI2 Number: 353979106589748",
      "MEID Number: 35397910667356",
      "AppleCare Eligible: OFF",
      "Estimated Purchase Date: 03/04/2022",
      "Carrier: AT&amp;T USA",
      "Next Tether Policy: AT&T Locked Policy 23",
      "Current GSMA Status: Clean",
      "Find My iPhone: OFF",
      "SimLock: Locked",
    ].join("&lt;br&gt;");
    expect(parseResultCode(code)).toMatchObject({
      model: "iPhone 13 Midnight 128GB",
      imei: "353979106673567",
      serial: "F2LXK0ABCD12",
      imei2: "353979106589748",
      meid: "35397910667356",
      appleCare: "OFF",
      purchaseDate: "03/04/2022",
      carrier: "AT&T USA",
      tetherPolicy: "AT&T Locked Policy 23",
      gsmaStatus: "Clean",
      fmi: "OFF",
      simLock: "Locked",
      unknownLabels: [],
    });
  });

  it("handles <br/>, <br />, raw and double-escaped <br>, newlines, CDATA and other HTML", () => {
    const [escapedSelfClosing = "", raw = "", doubleEscaped = "", newlines = "", cdata = ""] = codesOf(
      "getimeis-code-variants.xml",
    );
    expect(parseResultCode(escapedSelfClosing)).toMatchObject({
      model: "iPhone 12",
      carrier: "AT&T USA",
      simLock: "Locked",
    });
    expect(parseResultCode(raw)).toMatchObject({
      model: "Galaxy S21",
      carrier: "T-Mobile USA",
      blacklist: "CLEAN",
      gsmaStatus: "CLEAN",
    });
    expect(parseResultCode(doubleEscaped)).toMatchObject({ model: "iPhone XR", fmi: "ON" });
    expect(parseResultCode(newlines)).toMatchObject({
      model: "Pixel 7",
      carrier: "Verizon USA",
      simLock: "Locked",
    });
    expect(parseResultCode(cdata)).toMatchObject({
      model: "iPhone 15",
      activationLock: "OFF",
      fmi: "OFF",
      soldBy: "Apple Store",
    });
    const [unescaped = ""] = codesOf("getimeis-unescaped-br.xml");
    expect(parseResultCode(unescaped)).toMatchObject({ model: "iPhone 14", fmi: "OFF", gsmaStatus: "Clean" });
  });

  it("matches labels case-insensitively, in any order, and lists unknown labels", () => {
    const result = parseResultCode(
      "sim lock status: Unlocked<br>BLACKLIST STATUS: Clean<br>Locked to: Sprint<br>Sold by: Best Buy<br>Knox Guard: Off<br>Model Name: Galaxy<br>Warranty Status: Expired",
    );
    expect(result).toMatchObject({
      simLock: "Unlocked",
      blacklist: "Clean",
      gsmaStatus: "Clean",
      carrier: "Sprint",
      soldBy: "Best Buy",
      model: "Galaxy",
      warranty: "Expired",
    });
    expect(result.unknownLabels).toEqual(["Knox Guard"]);
    expect(result.fields["Knox Guard"]).toBe("Off");
  });

  it("strips scripts and tags, keeps values with colons, ignores URLs as labels", () => {
    const result = parseResultCode(
      "Model: <b>iPhone</b><script>alert(1)</script><br>Estimated Purchase Date: 2023-01-01 10:00:00<br>See https://example.com/x<br>https://example.com: nope",
    );
    expect(result.model).toBe("iPhone");
    expect(result.purchaseDate).toBe("2023-01-01 10:00:00");
    expect(result.text).not.toContain("alert");
    expect(Object.keys(result.fields)).toEqual(["Model", "Estimated Purchase Date"]);
  });

  it("keeps unlock codes and rejection reasons as raw text", () => {
    expect(parseResultCode("Unlock Code: 12345678")).toMatchObject({
      unlockCode: "12345678",
      unknownLabels: [],
    });
    const rejected = parseResultCode("Invalid_IMEI");
    expect(rejected).toMatchObject({
      raw: "Invalid_IMEI",
      text: "Invalid_IMEI",
      fields: {},
      unknownLabels: [],
    });
    expect(parseResultCode("")).toMatchObject({ raw: "", text: "", fields: {} });
  });

  it("does not let labels such as 'constructor' reach prototype properties", () => {
    const result = parseResultCode("constructor: x<br>toString: y");
    expect(result.fields).toEqual({ constructor: "x", toString: "y" });
    expect(result.unknownLabels).toEqual(["constructor", "toString"]);
  });

  it("keeps the first value when a label repeats, and absent labels stay absent", () => {
    const result = parseResultCode("Model: A<br>Model: B");
    expect(result.model).toBe("A");
    expect(result.carrier).toBeUndefined();
  });
});
