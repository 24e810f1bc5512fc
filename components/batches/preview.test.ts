import { describe, expect, it } from "vitest";
import type { Order } from "./api-client";
import { previewImeiText } from "./preview";
import { summariseResult } from "./result-summary";

describe("previewImeiText", () => {
  it("counts valid, invalid and repeated IMEIs with their lines, like the server will", () => {
    const text = [
      "IMEI;Note",
      "353979106673567;a",
      "356938035643809;b",
      "3539791066735601;imeisv",
      "3.53979E+14;exponent",
      "353979106673568;typo",
      "35-397910-667356-7;repeat",
    ].join("\r\n");
    const preview = previewImeiText(text);
    expect(preview).toMatchObject({
      column: "IMEI",
      read: 6,
      unique: 2,
      duplicateLines: 1,
      duplicates: [{ imei: "353979106673567", lines: [2, 7] }],
      problems: [],
    });
    expect(preview.invalid.map((i) => i.line)).toEqual([4, 5, 6]);
    expect(preview.invalid[0]?.reason).toMatch(/IMEISV/);
  });

  it("passes file problems through", () => {
    expect(previewImeiText("a;b\n1;2").problems[0]?.message).toMatch(/^no imei column; found: a, b/);
  });
});

describe("summariseResult", () => {
  const order: Order = { id: "1", imei: "353979106673567", serviceId: "1739", state: "completed" };

  it("shows the parsed result's main fields first", () => {
    const summary = summariseResult({
      ...order,
      result: {
        raw: "x",
        text: "x",
        fields: {},
        unknownLabels: [],
        imei: "353979106673567",
        carrier: "AT&T",
        model: "iPhone 12",
        fmi: "ON",
      },
    });
    expect(summary.text).toBe("Model: iPhone 12 · Carrier: AT&T · FMI: ON");
  });

  it("falls back to the code without HTML, then to the error", () => {
    expect(summariseResult({ ...order, code: "Model: iPhone<br>FMI: OFF" }).text).toBe(
      "Model: iPhone · FMI: OFF",
    );
    expect(summariseResult({ ...order, state: "failed", errorMessage: "Insufficient credit" })).toEqual({
      text: "Insufficient credit",
      full: "Insufficient credit",
      isError: true,
    });
  });
});
