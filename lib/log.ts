/**
 * The one logger. JSON lines, one per event, with secrets redacted before anything is written:
 * an API key or a password must never reach a log line (the README's promise 5).
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type LogSink = (level: LogLevel, line: string) => void;

const SECRET_KEYS = /^(apikey|api_key|password|passwordhash|token|secret|authorization|cookie)$/i;
// An upstream API key has the shape XXXX-XXXX-XXXX-XXXX-XXXX; mask it wherever it appears in text.
const API_KEY_PATTERN = /\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){4}\b/gi;
const registeredSecrets = new Set<string>();

/** Registers a literal secret (the configured API key, say) so it is masked in every later line. */
export function registerSecret(secret: string): void {
  if (secret.length >= 4) registeredSecrets.add(secret);
}

export function redactText(text: string): string {
  let out = text.replace(API_KEY_PATTERN, "[redacted]");
  for (const secret of registeredSecrets) out = out.split(secret).join("[redacted]");
  return out;
}

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? "[redacted]" : redactValue(v, depth + 1);
  }
  return out;
}

const defaultSink: LogSink = (level, line) => {
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
};
let sink: LogSink = defaultSink;
let minLevel: LogLevel = "info";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Replaces where log lines go (tests capture them); returns a function that restores the previous sink. */
export function setLogSink(next: LogSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

export function setLogLevel(level: LogLevel): void {
  minLevel = level;
}

function write(level: LogLevel, msg: string, fields?: LogFields): void {
  if (order[level] < order[minLevel]) return;
  const entry = {
    time: new Date().toISOString(),
    level,
    msg: redactText(msg),
    ...(redactValue(fields ?? {}) as object),
  };
  sink(level, JSON.stringify(entry));
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
};
