import { describe, expect, it } from "vitest";
import {
  parseOrdersAnswer,
  parsePlaceOrderAnswer,
  parseServicesAnswer,
  parseUpstreamStatus,
} from "./answers";
import { UpstreamError } from "./errors";
import { readFixture } from "./test-helpers";
import { parseXmlAnswer, stripDeclarations } from "./xml";

function parse(name: string, action = "test") {
  return parseXmlAnswer(readFixture(name), action);
}

function thrown(fn: () => unknown): UpstreamError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error("expected an UpstreamError");
}

describe("XML answers", () => {
  it("strips the live <?phpxml …?> declaration and any others", () => {
    expect(stripDeclarations('<?phpxml version="1.0" encoding="utf-8"?><a/>')).toBe("<a/>");
    expect(stripDeclarations('\uFEFF <?xml version="1.0"?>\n<?phpxml x?>\n<a/>')).toBe("<a/>");
    expect(parse("placeorder-protocol.xml").rootName).toBe("result");
    expect(parse("imeiservices-protocol.xml").rootName).toBe("Packages");
  });

  it("detects a ROOT <error> (an earlier client took these for empty successes)", () => {
    expect(thrown(() => parse("error-invalid-user.xml"))).toMatchObject({
      kind: "refused",
      code: "auth",
      upstreamMessage: "Invalid User!",
    });
    expect(thrown(() => parse("error-invalid-api-key.xml"))).toMatchObject({ kind: "refused", code: "auth" });
    expect(thrown(() => parse("error-imei-exists.xml"))).toMatchObject({
      kind: "refused",
      code: "duplicate",
    });
    expect(thrown(() => parse("error-insufficient-balance.xml"))).toMatchObject({
      kind: "refused",
      code: "upstream_error",
      upstreamMessage: "Insufficient balance! Please add credits.",
    });
    expect(
      thrown(() => parseXmlAnswer("<result><error>Service not available</error></result>", "x")),
    ).toMatchObject({
      kind: "refused",
      code: "upstream_error",
    });
  });

  it("calls a truncated body, an HTML page or an empty body unreadable (unknown outcome)", () => {
    for (const body of [
      readFixture("truncated.xml"),
      readFixture("cloudflare-challenge-page.txt"),
      "",
      "   ",
    ]) {
      expect(thrown(() => parseXmlAnswer(body, "placeorder"))).toMatchObject({
        kind: "unknown_outcome",
        code: "unreadable",
      });
    }
  });
});

describe("services", () => {
  it("reads the protocol's example", () => {
    const services = parseServicesAnswer(parse("imeiservices-protocol.xml"), "imei", "imeiservices");
    expect(services).toEqual([
      {
        id: "1739",
        title:
          "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI + WW + Activation Etc 🔥Hot Exclusive Checker🔥",
        category: "IMEI Checking",
        price: "0.08",
        deliveryTime: "Instant-5 Minutes",
        mustReadHtml: "free text that may contain HTML",
        kind: "imei",
      },
    ]);
  });

  it("reads several packages, sanitises MustRead, keeps ids and prices as strings, skips malformed ones", () => {
    const services = parseServicesAnswer(parse("imeiservices-multi.xml"), "imei", "imeiservices");
    expect(services.map((s) => [s.id, s.price])).toEqual([
      ["1739", "0.08"],
      ["2103", "110.00"],
      ["0155", "0.06"],
    ]);
    const [first, second, third] = services;
    expect(first?.mustReadHtml).toContain("<b>all</b>");
    expect(first?.mustReadHtml).not.toMatch(/script|onerror|alert/);
    expect(second?.title).toBe("20-3# T-Mobile USA iPhone Unlock (Clean) ⭐ & more");
    expect(second?.mustReadHtml).toBe("<ul><li>Clean IMEI only</li></ul>");
    expect(third?.mustReadHtml).toBe("");
  });

  it("treats one <Package> as a list of one, wherever it sits", () => {
    for (const name of ["imeiservices-single.xml", "imeiservices-package-as-root.xml"]) {
      const services = parseServicesAnswer(parse(name), "imei", "imeiservices");
      expect(services.map((s) => s.id)).toEqual(["1739"]);
    }
    const underResult = parseServicesAnswer(
      parse("imeiservices-package-under-result.xml"),
      "file",
      "fileservices",
    );
    expect(underResult.map((s) => [s.id, s.kind])).toEqual([
      ["1739", "file"],
      ["1901", "file"],
    ]);
  });

  it("reads an empty catalogue as empty, but an unexpected root as unreadable", () => {
    expect(parseServicesAnswer(parse("imeiservices-empty.xml"), "imei", "imeiservices")).toEqual([]);
    expect(
      thrown(() => parseServicesAnswer(parseXmlAnswer("<html><body/></html>", "x"), "imei", "x")),
    ).toMatchObject({
      kind: "unknown_outcome",
      code: "unreadable",
    });
  });
});

describe("placeorder answers", () => {
  it("reads the live answer", () => {
    expect(parsePlaceOrderAnswer(parse("placeorder-protocol.xml"), "353370080089458")).toEqual({
      upstreamOrderId: "15556534",
      imei: "353370080089458",
      status: "pending",
    });
  });

  it("finds our IMEI in the guide's multi answer, or its duplicate/error listing", () => {
    const answer = parse("placeorder-guide-multi.xml");
    expect(parsePlaceOrderAnswer(answer, "356938035643825").upstreamOrderId).toBe("15556602");
    expect(thrown(() => parsePlaceOrderAnswer(answer, "356938035643833"))).toMatchObject({
      kind: "refused",
      code: "duplicate",
    });
    expect(thrown(() => parsePlaceOrderAnswer(answer, "12345"))).toMatchObject({
      kind: "refused",
      code: "upstream_error",
      upstreamMessage: "Invalid IMEI!",
    });
  });

  it("calls a success without our order id an unknown outcome", () => {
    for (const name of [
      "placeorder-without-id.xml",
      "placeorder-empty-result.xml",
      "placeorder-other-imei.xml",
    ]) {
      expect(thrown(() => parsePlaceOrderAnswer(parse(name), "353370080089458"))).toMatchObject({
        kind: "unknown_outcome",
        code: "no_order_id",
      });
    }
  });
});

describe("getimeis answers", () => {
  const all = (ids: string[]) => new Set(ids);

  it("reads the protocol's example, decoding the escaped <br>", () => {
    const [order, ...rest] = parseOrdersAnswer(parse("getimeis-protocol.xml"), all(["15556534"]));
    expect(rest).toEqual([]);
    expect(order).toMatchObject({
      upstreamOrderId: "15556534",
      imei: "353979106673567",
      status: "completed",
      packageTitle: "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI …",
      requestedAt: "2025-11-15 03:09:49",
    });
    expect(order?.code).toMatch(/^Model: iPhone 11 Purple 64GB<br>IMEI Number: 353979106673567<br>/);
  });

  it("reads several orders with word statuses in any case; skips unknown statuses and ids not asked", () => {
    const ids = ["15556534", "15556535", "15556536", "15556537", "15556538"];
    const orders = parseOrdersAnswer(parse("getimeis-multi.xml"), all(ids.slice(0, 4).concat("15556538")));
    expect(orders.map((o) => [o.upstreamOrderId, o.status, o.code])).toEqual([
      ["15556534", "completed", "Model: iPhone 11 Purple 64GB<br>SimLock: Unlocked"],
      ["15556535", "in_process", null],
      ["15556536", "rejected", "Invalid_IMEI"],
      ["15556537", "pending", null],
    ]);
    expect(
      parseOrdersAnswer(parse("getimeis-multi.xml"), all(["15556535"])).map((o) => o.upstreamOrderId),
    ).toEqual(["15556535"]);
  });

  it("reads the guide's numeric statuses", () => {
    const orders = parseOrdersAnswer(parse("getimeis-numeric-status.xml"), all(["100", "101", "102", "103"]));
    expect(orders.map((o) => o.status)).toEqual(["pending", "completed", "rejected", "in_process"]);
  });

  it("reads an empty answer as no orders, but another root as unreadable (never a silent empty list)", () => {
    expect(parseOrdersAnswer(parse("getimeis-empty.xml"), all(["1"]))).toEqual([]);
    expect(thrown(() => parseOrdersAnswer(parse("imeiservices-empty.xml"), all(["1"])))).toMatchObject({
      kind: "unknown_outcome",
      code: "unreadable",
    });
  });

  it("keeps `code` text whole whether <br> arrived escaped, raw, double-escaped or in CDATA", () => {
    const codes = parseOrdersAnswer(parse("getimeis-code-variants.xml"), all(["1", "2", "3", "4", "5"])).map(
      (o) => o.code,
    );
    expect(codes[0]).toBe("Model: iPhone 12<br/>Carrier: AT&amp;T USA<br />SimLock: Locked");
    expect(codes[1]).toBe(
      'Model Name: Galaxy S21<br/>Network: T-Mobile USA<br />Blacklist Status: <font color="green">CLEAN</font>',
    );
    expect(codes[2]).toContain("&lt;br&gt;");
    expect(codes[3]).toContain("\nLocked to: Verizon USA\n");
    expect(codes[4]).toBe("Model: iPhone 15<br>iCloud Lock: OFF<br>Sold by: Apple Store");
    const [unescaped] = parseOrdersAnswer(parse("getimeis-unescaped-br.xml"), all(["7"]));
    expect(unescaped?.code).toBe("Model: iPhone 14<br/>FMI: OFF<br/>GSMA Status: Clean");
  });
});

describe("parseUpstreamStatus", () => {
  it("accepts words in any case and the guide's numbers", () => {
    expect(
      ["Pending", "IN PROCESS", "in process", "Completed", "rejected", "In-Process"].map(parseUpstreamStatus),
    ).toEqual(["pending", "in_process", "in_process", "completed", "rejected", "in_process"]);
    expect(["1", "2", "3", "4", " 2 "].map(parseUpstreamStatus)).toEqual([
      "pending",
      "completed",
      "rejected",
      "in_process",
      "completed",
    ]);
    expect(["5", "On hold", ""].map(parseUpstreamStatus)).toEqual([null, null, null]);
  });
});
