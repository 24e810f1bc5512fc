export * from "./client";
export * from "./errors";
export { parseResultCode } from "./result-parser";
export type { ParsedResult } from "./result-schema";
export { parseUpstreamStatus } from "./answers";
