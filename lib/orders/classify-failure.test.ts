import { expect, it } from "vitest";
import { InvalidUpstreamInputError, UpstreamError } from "@/lib/gsmfusion";
import { classifyPlacementFailure, PLACED_EARLIER } from "./classify-failure";

it("classifies every failure the way the money rules say", () => {
  const failure = (kind: "refused" | "not_processed" | "unknown_outcome", code: string, extra = {}) =>
    new UpstreamError({ kind, code: code as never, message: code, ...extra });
  expect(
    classifyPlacementFailure(failure("refused", "duplicate", { upstreamMessage: "IMEI already exists!" })),
  ).toMatchObject({ requeue: false, state: "duplicate" });
  expect(
    classifyPlacementFailure(
      failure("refused", "upstream_error", { upstreamMessage: "Insufficient balance" }),
    ),
  ).toMatchObject({ requeue: false, state: "failed", errorMessage: "Insufficient balance" });
  expect(classifyPlacementFailure(failure("refused", "auth"))).toMatchObject({ requeue: true, kind: "auth" });
  expect(
    classifyPlacementFailure(failure("not_processed", "rate_limited", { retryAfterMs: 3000 })),
  ).toMatchObject({ requeue: true, retryAfterMs: 3000 });
  for (const code of ["timeout", "reset", "bad_gateway", "unreadable", "too_large", "no_order_id"]) {
    expect(classifyPlacementFailure(failure("unknown_outcome", code))).toMatchObject({
      requeue: false,
      state: "uncertain",
      errorKind: code,
    });
  }
  // A bug of ours after the call may have gone out is never taken as "not placed".
  expect(classifyPlacementFailure(new TypeError("boom"))).toMatchObject({
    requeue: false,
    state: "uncertain",
    errorKind: "internal",
  });
});

it("fails an order the client refused to send, and hands a proven earlier placement to a person", () => {
  expect(classifyPlacementFailure(new InvalidUpstreamInputError("serviceId must be numeric"))).toEqual({
    requeue: false,
    state: "failed",
    errorKind: "invalid_input",
    errorMessage: "serviceId must be numeric",
  });
  expect(PLACED_EARLIER).toMatchObject({ state: "uncertain", errorKind: "placed_earlier" });
});
