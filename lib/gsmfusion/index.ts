export * from "./client";
export * from "./errors";
export { parseResultCode, type ParsedResult } from "./result-parser";
export { parseUpstreamStatus } from "./answers";
