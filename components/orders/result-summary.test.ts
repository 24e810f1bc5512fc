import { describe, expect, it } from "vitest";
import type { ApiOrder } from "@/lib/orders/schemas";
import { summariseResult, summariseResultBriefly } from "./result-summary";

const order: ApiOrder = {
  id: "1",
  batchId: "b-1",
  imei: "353979106673567",
  line: 2,
  serviceId: "1739",
  state: "completed",
  upstreamOrderId: "15556534",
  upstreamStatus: "completed",
  code: null,
  result: null,
  placedAt: "2026-11-21T10:00:00.000Z",
  finishedAt: "2026-11-21T10:01:00.000Z",
  createdAt: "2026-11-21T09:59:00.000Z",
  price: "0.08",
  overdue: false,
  errorKind: null,
  errorMessage: null,
  settleNote: null,
  reusedFromId: null,
};

describe("summariseResult", () => {
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
    // The API sends a code with the result parser's clean text of it; here one without known fields.
    const code = "Model: iPhone<br>FMI: OFF";
    const result = { raw: code, text: "Model: iPhone\nFMI: OFF", fields: {}, unknownLabels: [] };
    expect(summariseResult({ ...order, code, result }).text).toBe("Model: iPhone · FMI: OFF");
    expect(summariseResult({ ...order, state: "failed", errorMessage: "Insufficient credit" })).toEqual({
      text: "Insufficient credit",
      full: "Insufficient credit",
      isError: true,
    });
  });
});

describe("summariseResultBriefly", () => {
  it("lists the main values without labels, else the error, else the clean text", () => {
    const code = "Model: iPhone 12<br>Carrier: AT&amp;T<br>Find My iPhone: OFF";
    const result = {
      raw: code,
      text: "Model: iPhone 12\nCarrier: AT&T\nFind My iPhone: OFF",
      fields: { Model: "iPhone 12", Carrier: "AT&T", "Find My iPhone": "OFF" },
      unknownLabels: [],
      model: "iPhone 12",
      carrier: "AT&T",
      fmi: "OFF",
    };
    expect(summariseResultBriefly({ ...order, code, result })).toBe("iPhone 12 · AT&T · OFF");
    expect(summariseResultBriefly({ ...order, state: "failed", errorMessage: "Insufficient credit" })).toBe(
      "Insufficient credit",
    );
    const rejected = { raw: "No data<br>found", text: "No data\nfound", fields: {}, unknownLabels: [] };
    expect(summariseResultBriefly({ ...order, state: "rejected", result: rejected })).toBe("No data · found");
    expect(summariseResultBriefly(order)).toBe("");
  });
});
