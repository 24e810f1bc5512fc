import { describe, expect, it } from "vitest";
import { parseResultCode } from "@/lib/gsmfusion/result-parser";
import { readOrderResult } from "./result";

describe("readOrderResult", () => {
  const code = "Model: iPhone 12<br>Carrier: AT&amp;T USA<br><font color=red>Find My iPhone: ON</font>";

  it("reads the stored result", () => {
    const stored = parseResultCode(code);
    expect(readOrderResult({ result: JSON.stringify(stored), code })).toEqual(stored);
    expect(readOrderResult({ result: JSON.stringify(stored), code })?.text).toBe(
      "Model: iPhone 12\nCarrier: AT&T USA\nFind My iPhone: ON",
    );
  });

  it("derives it from the code when it is missing or not of the schema's shape", () => {
    const derived = parseResultCode(code);
    expect(readOrderResult({ result: null, code })).toEqual(derived);
    expect(readOrderResult({ result: "{not json", code })).toEqual(derived);
    expect(readOrderResult({ result: JSON.stringify({ model: "x" }), code })).toEqual(derived);
  });

  it("is null without a result or a code", () => {
    expect(readOrderResult({ result: null, code: null })).toBeNull();
    expect(readOrderResult({ result: "[]", code: null })).toBeNull();
  });
});
