/**
 * Scenario 6, burst latency after a revocation: how much slower is a burst that starts right
 * after the server revoked every token than the same burst through the same client with a valid
 * static header? Against the lean endpoint of a single-session server (it accepts only the newest
 * token of a client), for each tokvault adapter, each concurrency and each token-endpoint delay:
 *
 * 1. the static-header client of the same kind (token fetched before the clock starts) sends
 *    `concurrency` requests at once: the baseline wall, p50, p99;
 * 2. the tokvault contender (warmed up: it holds a valid token) sees `revokeAll()`, then sends
 *    `concurrency` requests at once: every one is refused once, one token call, every one resent.
 *
 * Reported per cell: wall (first send to last settlement), p50, p99, token calls, failures, and
 * the ratios to the baseline of the same cell (measured seconds before, same process).
 */
import type { ClientKind, ContenderSpec } from '../contender.js';
import type { Progress } from '../report/progress.js';
import type { BenchServer } from '../server.js';
import { type LatencySummary, nowMs, summarize } from '../stats.js';

/** Sizes of scenario 6. */
export interface BurstLatencySizes {
  /** Requests started at once, one cell per value. */
  concurrencies: readonly number[];
  /** Token-endpoint latencies (ms), one cell per value. */
  tokenDelaysMs: readonly number[];
  /** Baseline-then-contender pairs per cell; the pair with the median wall ratio is reported. */
  rounds: number;
}

/** Wall and per-request latency of one burst. */
export interface BurstTiming {
  /** `performance.now()` when the burst started. */
  startedAt: number;
  wallMs: number;
  /** CPU time of this process (clients and server) during the burst, ms: less sensitive to other jobs than wall. */
  cpuMs: number;
  latency: LatencySummary;
  failed: number;
}

/** Called around each contender's burst (profiling: `src/profileBurst.ts`). */
export interface BurstHooks {
  before?(spec: ContenderSpec): void | Promise<void>;
  after?(spec: ContenderSpec): void | Promise<void>;
}

/** One cell: a tokvault adapter against its static-header client, one concurrency, one delay. */
export interface BurstLatencyRow {
  id: string;
  label: string;
  client: ClientKind;
  baselineLabel: string;
  concurrency: number;
  tokenDelayMs: number;
  /** Pairs measured; timings and ratios are those of the pair with the median wall ratio. */
  rounds: number;
  /** The burst after the revocation (`failed`: over all rounds). */
  contender: BurstTiming;
  /** The same burst through the static-header client, valid token. */
  baseline: BurstTiming;
  /** Token-endpoint requests during the contender's burst (the most of any round). */
  tokenCalls: number;
  /** contender ÷ baseline (1.00 = no cost for the revocation). */
  wallRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  /** contender CPU ÷ baseline CPU. */
  cpuRatio: number;
}

/** `count` concurrent GETs of `/fast`: wall, latency summary, failures. */
async function burst(get: (path: string) => Promise<boolean>, count: number): Promise<BurstTiming> {
  const started = nowMs();
  const cpu = process.cpuUsage();
  const outcomes = await Promise.all(
    Array.from({ length: count }, async () => {
      const ok = await get('/fast');
      return { ok, ms: nowMs() - started };
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    startedAt: started,
    wallMs: nowMs() - started,
    cpuMs: (used.user + used.system) / 1000,
    latency: summarize(outcomes.map((o) => o.ms)),
    failed: outcomes.filter((o) => !o.ok).length,
  };
}

/**
 * Run scenario 6 for every pair of `contenders` (tokvault adapters) and `baselines` of the same
 * client on `server` (single-session).
 */
export async function runBurstLatency(
  contenders: readonly ContenderSpec[],
  baselines: readonly ContenderSpec[],
  server: BenchServer,
  sizes: BurstLatencySizes,
  progress: Progress,
  hooks: BurstHooks = {},
): Promise<BurstLatencyRow[]> {
  const rows: BurstLatencyRow[] = [];
  const { auth } = server;
  try {
    for (const tokenDelayMs of sizes.tokenDelaysMs) {
      for (const concurrency of sizes.concurrencies) {
        for (const spec of contenders) {
          const baselineSpec = baselines.find((b) => b.client === spec.client);
          if (!baselineSpec) continue;
          progress.update(
            `burst latency · ${spec.label} · ${concurrency} at once · token delay ${tokenDelayMs} ms`,
          );
          auth.setLatency(tokenDelayMs);
          const pairs: Array<{ baseline: BurstTiming; contender: BurstTiming; tokenCalls: number }> = [];
          for (let round = 0; round < sizes.rounds; round++) {
            const baselineClient = await baselineSpec.create(server.leanEnv(baselineSpec.id));
            const contender = await spec.create(server.leanEnv(spec.id));
            try {
              if (!(await contender.get('/fast'))) throw new Error(`${spec.label}: warm-up request failed`);
              // Warm the baseline's sockets too: both bursts start with the same pool state.
              if (!(await baselineClient.get('/fast')))
                throw new Error(`${baselineSpec.label}: warm-up failed`);
              const baseline = await burst(baselineClient.get, concurrency);
              auth.revokeAll();
              const tokenBefore = auth.stats.tokenRequests;
              await hooks.before?.(spec);
              const timing = await burst(contender.get, concurrency);
              await hooks.after?.(spec);
              pairs.push({ baseline, contender: timing, tokenCalls: auth.stats.tokenRequests - tokenBefore });
            } finally {
              await Promise.all([contender.close(), baselineClient.close()]);
            }
          }
          const ratio = (pair: (typeof pairs)[number]) => pair.contender.wallMs / pair.baseline.wallMs;
          const sorted = [...pairs].sort((a, b) => ratio(a) - ratio(b));
          const { baseline, contender } = sorted[Math.floor((sorted.length - 1) / 2)]!;
          rows.push({
            id: spec.id,
            label: spec.label,
            client: spec.client,
            baselineLabel: baselineSpec.label,
            concurrency,
            tokenDelayMs,
            rounds: pairs.length,
            contender: { ...contender, failed: pairs.reduce((sum, pair) => sum + pair.contender.failed, 0) },
            baseline,
            tokenCalls: Math.max(...pairs.map((pair) => pair.tokenCalls)),
            wallRatio: contender.wallMs / baseline.wallMs,
            p50Ratio: contender.latency.p50 / baseline.latency.p50,
            p99Ratio: contender.latency.p99 / baseline.latency.p99,
            cpuRatio: contender.cpuMs / baseline.cpuMs,
          });
        }
      }
    }
  } finally {
    auth.setLatency(0);
  }
  return rows;
}
