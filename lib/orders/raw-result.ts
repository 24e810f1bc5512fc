/**
 * The upstream's result text as received, for reading: its `<br>` tags become line breaks and nothing
 * else changes (the rest of any HTML stays visible as text; screens put it in a text node, never as HTML).
 * Browser-safe.
 */
export function rawResultForReading(code: string): string {
  return code.replace(/\r\n?/g, "\n").replace(/<br\s*\/?>(\n)?/gi, "\n");
}
