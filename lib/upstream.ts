/** The process's GSM Fusion client, configured from the typed env. */
import { getEnv } from "@/lib/env";
import { GsmFusionClient } from "@/lib/gsmfusion";

const globalForUpstream = globalThis as unknown as { imeiDeskUpstream?: GsmFusionClient };

export function getUpstream(): GsmFusionClient {
  if (!globalForUpstream.imeiDeskUpstream) {
    const { upstream } = getEnv();
    globalForUpstream.imeiDeskUpstream = new GsmFusionClient({
      baseUrl: upstream.baseUrl,
      username: upstream.username,
      apiKey: upstream.apiKey,
      readTimeoutMs: upstream.readTimeoutMs,
      placeOrderTimeoutMs: upstream.placeOrderTimeoutMs,
    });
  }
  return globalForUpstream.imeiDeskUpstream;
}
