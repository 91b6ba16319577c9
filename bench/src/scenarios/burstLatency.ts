/**
 * Scenario 6, burst latency after a revocation: how much slower is a burst that starts right
 * after the server revoked every token than the same burst through the same client with a valid
 * static header? Against the lean endpoint of a single-session server (it accepts only the newest
 * token of a client), for each tokvault adapter, each concurrency and each token-endpoint delay:
 *
 * 1. the static-header client of the same kind (token fetched before the clock starts) sends
 *    `concurrency` requests at once: the baseline wall, p50, p99;
 * 2. the server revokes every token (`revokeAll()`); the resend baseline of the same client (a
 *    hand-written client, see `peers/resendBaselines.ts`) sends `concurrency` requests at once with
 *    its revoked token, each refused once and resent once with a new token it requested once:
 *    the least work any correct library must do;
 * 3. the tokvault contender (warmed up: it held a valid token before the revocation) sends
 *    `concurrency` requests at once: every one is refused once, one token call, every one resent.
 *
 * Reported per cell: wall (first send to last settlement), p50, p99, token calls, failures, and
 * the ratios to both baselines of the same round (measured seconds before, same process). The
 * target applies to the resend baseline: the static one cannot be approached (each request of
 * the contender is sent twice). `pnpm bench` runs each adapter in a process of its own
 * ({@link runBurstLatencyIsolated}, see `child.ts`).
 */
import type { ClientKind, ContenderSpec } from '../contender.js';
import type { Progress } from '../report/progress.js';
import type { BenchServer } from '../server.js';
import { type LatencySummary, nowMs, summarize } from '../stats.js';
import { runChild } from './child.js';

/** Sizes of scenario 6. */
export interface BurstLatencySizes {
  /** Requests started at once, one cell per value. */
  concurrencies: readonly number[];
  /** Token-endpoint latencies (ms), one cell per value. */
  tokenDelaysMs: readonly number[];
  /** Rounds per cell (static, resend, contender); the round with the median wall ratio to the resend baseline is reported. */
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
  /** The resend baseline: the same client by hand, refused once per request and resent. */
  resendLabel: string;
  resend: BurstTiming;
  /** Token-endpoint requests during the resend baseline's burst (1 by construction). */
  resendTokenCalls: number;
  /** contender ÷ resend baseline (the target's ratio; 1.00 = no cost beyond the necessary resend). */
  resendWallRatio: number;
  resendP50Ratio: number;
  resendP99Ratio: number;
  resendCpuRatio: number;
  /** Token-endpoint requests during the contender's burst (the most of any round). */
  tokenCalls: number;
  /** contender ÷ static-header baseline (about 2x at best: every request is sent twice). */
  wallRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  /** contender CPU ÷ static-header baseline CPU. */
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
  resendBaselines: readonly ContenderSpec[],
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
          const resendSpec = resendBaselines.find((b) => b.client === spec.client);
          if (!baselineSpec || !resendSpec) continue;
          progress.update(
            `burst latency · ${spec.label} · ${concurrency} at once · token delay ${tokenDelayMs} ms`,
          );
          auth.setLatency(tokenDelayMs);
          const pairs: Array<{
            baseline: BurstTiming;
            resend: BurstTiming;
            contender: BurstTiming;
            tokenCalls: number;
            resendTokenCalls: number;
          }> = [];
          for (let round = 0; round < sizes.rounds; round++) {
            const baselineClient = await baselineSpec.create(server.leanEnv(baselineSpec.id));
            const resendClient = await resendSpec.create(server.leanEnv(resendSpec.id));
            const contender = await spec.create(server.leanEnv(spec.id));
            try {
              // Every client warm (one open socket, a valid token) before the clock starts.
              for (const [label, client] of [
                [spec.label, contender],
                [baselineSpec.label, baselineClient],
                [resendSpec.label, resendClient],
              ] as const) {
                if (!(await client.get('/fast'))) throw new Error(`${label}: warm-up request failed`);
              }
              const baseline = await burst(baselineClient.get, concurrency);
              auth.revokeAll();
              let tokenBefore = auth.stats.tokenRequests;
              const resend = await burst(resendClient.get, concurrency);
              const resendTokenCalls = auth.stats.tokenRequests - tokenBefore;
              tokenBefore = auth.stats.tokenRequests;
              await hooks.before?.(spec);
              const timing = await burst(contender.get, concurrency);
              await hooks.after?.(spec);
              const tokenCalls = auth.stats.tokenRequests - tokenBefore;
              pairs.push({ baseline, resend, contender: timing, tokenCalls, resendTokenCalls });
            } finally {
              await Promise.all([contender.close(), baselineClient.close(), resendClient.close()]);
            }
          }
          const ratio = (pair: (typeof pairs)[number]) => pair.contender.wallMs / pair.resend.wallMs;
          const sorted = [...pairs].sort((a, b) => ratio(a) - ratio(b));
          const { baseline, resend, contender } = sorted[Math.floor((sorted.length - 1) / 2)]!;
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
            resendLabel: resendSpec.label,
            resend: { ...resend, failed: pairs.reduce((sum, pair) => sum + pair.resend.failed, 0) },
            resendTokenCalls: Math.max(...pairs.map((pair) => pair.resendTokenCalls)),
            resendWallRatio: contender.wallMs / resend.wallMs,
            resendP50Ratio: contender.latency.p50 / resend.latency.p50,
            resendP99Ratio: contender.latency.p99 / resend.latency.p99,
            resendCpuRatio: contender.cpuMs / resend.cpuMs,
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

/** What a scenario 6 child process measures: one tokvault adapter, every cell. */
export interface BurstLatencyJob {
  contender: string;
  sizes: BurstLatencySizes;
}

/**
 * Scenario 6 with each adapter (and its two baselines) in a process of its own (`child.ts`),
 * rows in the order of {@link runBurstLatency}: by token delay, then concurrency, then adapter.
 */
export async function runBurstLatencyIsolated(
  contenders: readonly ContenderSpec[],
  sizes: BurstLatencySizes,
  progress: Progress,
): Promise<BurstLatencyRow[]> {
  const rows: BurstLatencyRow[] = [];
  for (const spec of contenders) {
    const job: BurstLatencyJob = { contender: spec.id, sizes };
    rows.push(...(await runChild<BurstLatencyRow[]>('./burstLatencyWorker.ts', job, progress)));
  }
  const order = (row: BurstLatencyRow) => [
    sizes.tokenDelaysMs.indexOf(row.tokenDelayMs),
    sizes.concurrencies.indexOf(row.concurrency),
    contenders.findIndex((spec) => spec.id === row.id),
  ];
  return rows.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}
