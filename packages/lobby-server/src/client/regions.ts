// Measures round-trip time to each region's lobby ping endpoint (HTTP GET /ping) with fetch, so
// the matchmaker can prefer the region that is closest for this player. Works in browsers and
// Node 18+. The median of a few samples is used; the first request also pays for the connection.
import type { RegionLatency } from '../protocol/views.js';

export interface RegionEndpoint {
  readonly region: string;
  /** Base HTTP URL of a lobby in that region, e.g. https://eu.lobby.example.com. */
  readonly url: string;
}

export interface MeasureOptions {
  readonly samples?: number;
  readonly timeoutMs?: number;
}

async function once(url: string, timeoutMs: number): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const started = performance.now();
    const response = await fetch(new URL('/ping', url), { signal: controller.signal, cache: 'no-store' });
    await response.arrayBuffer();
    return performance.now() - started;
  } finally {
    clearTimeout(timer);
  }
}

/** Regions that answered, fastest first; regions that failed every sample are left out. */
export async function measureRegions(
  endpoints: readonly RegionEndpoint[],
  options: MeasureOptions = {},
): Promise<RegionLatency[]> {
  const samples = Math.max(1, options.samples ?? 3);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const results = await Promise.all(
    endpoints.map(async (endpoint) => {
      const rtts: number[] = [];
      for (let i = 0; i < samples + 1; i += 1) {
        try {
          const rtt = await once(endpoint.url, timeoutMs);
          if (i > 0 || samples === 1) rtts.push(rtt);
        } catch {
          // unreachable this time; other samples may still answer
        }
      }
      rtts.sort((a, b) => a - b);
      const median = rtts[Math.floor(rtts.length / 2)];
      return median === undefined
        ? undefined
        : { region: endpoint.region, rttMs: Math.round(median * 10) / 10 };
    }),
  );
  return results.filter((r): r is RegionLatency => r !== undefined).sort((a, b) => a.rttMs - b.rttMs);
}
