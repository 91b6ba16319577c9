/**
 * Runs every scenario once and returns one report object (the writers turn it into tables,
 * RESULTS.md and results.svg).
 */
import type { ContenderSpec } from './contender.js';
import { BASELINES, REFRESHING, RESEND_BASELINES } from './peers/index.js';
import { describeMachine, type MachineInfo } from './report/machine.js';
import type { Progress } from './report/progress.js';
import {
  type BurstLatencyRow,
  type BurstLatencySizes,
  runBurstLatencyIsolated,
} from './scenarios/burstLatency.js';
import { type DpopRow, runDpop } from './scenarios/dpop.js';
import { type FleetWaitRow, type FleetWaitSizes, runFleetWait } from './scenarios/fleetWait.js';
import { type HotPathResult, runHotPath } from './scenarios/hotPath.js';
import { type MemoryResult, runMemory } from './scenarios/memory.js';
import { type OverheadRow, type OverheadSizes, runOverheadIsolated } from './scenarios/overhead.js';
import { type RequestRow, runRequestScenario } from './scenarios/requests.js';
import { startBenchServer } from './server.js';
import { nowMs } from './stats.js';

/** How much work each scenario does. */
export interface BenchSizes {
  burst: number;
  storm: number;
  stormJitterMs: number;
  overhead: OverheadSizes;
  hotPathOps: number;
  hotPathRounds: number;
  memoryRequests: number;
  burstLatency: BurstLatencySizes;
  fleetWait: FleetWaitSizes;
}

/** The sizes the issue asks for. */
export const FULL_SIZES: BenchSizes = {
  burst: 1_000,
  storm: 500,
  stormJitterMs: 200,
  overhead: { requestsPerRound: 250, rounds: 48, concurrency: 8 },
  hotPathOps: 500_000,
  hotPathRounds: 9,
  memoryRequests: 1_000_000,
  burstLatency: { concurrencies: [100, 500, 1_000], tokenDelaysMs: [0, 50], rounds: 5 },
  fleetWait: { processes: 20, callers: 100, expiries: 5 },
};

/** `--quick`: the same code paths, small enough for CI. */
export const QUICK_SIZES: BenchSizes = {
  burst: 50,
  storm: 50,
  stormJitterMs: 60,
  overhead: { requestsPerRound: 100, rounds: 2, concurrency: 4 },
  hotPathOps: 20_000,
  hotPathRounds: 3,
  memoryRequests: 20_000,
  burstLatency: { concurrencies: [20, 50], tokenDelaysMs: [0, 20], rounds: 1 },
  fleetWait: { processes: 4, callers: 20, expiries: 2 },
};

/** Everything one run measured. */
export interface BenchReport {
  mode: 'full' | 'quick';
  sizes: BenchSizes;
  machine: MachineInfo;
  durationMs: number;
  burst: RequestRow[];
  storm: RequestRow[];
  overhead: OverheadRow[];
  hotPath: HotPathResult;
  memory: MemoryResult;
  burstLatency: BurstLatencyRow[];
  /** Scenario 7: DPoP ÷ Bearer per client (same sizes as scenario 3). */
  dpop: DpopRow[];
  /** Scenario 8: fleet wait at expiry on the local Redis, per client library (`[]`: no Redis). */
  fleetWait: FleetWaitRow[];
}

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  mode: 'full' | 'quick';
  sizes: BenchSizes;
  progress: Progress;
  /** Contenders of scenarios 1-3 (default: tokvault's adapters and every peer). */
  contenders?: readonly ContenderSpec[];
  /** Static-header references of scenario 3 (default: axios, ky, fetch). */
  baselines?: readonly ContenderSpec[];
}

/** Run scenarios 1, 2, 6 (single-session server), then 3-5 and collect the report. */
export async function runBench(options: RunBenchOptions): Promise<BenchReport> {
  const { sizes, progress, contenders = REFRESHING, baselines = BASELINES } = options;
  const started = nowMs();
  const machine = describeMachine();
  const clientIds = [...contenders, ...baselines, ...RESEND_BASELINES].map((spec) => spec.id);

  const burst: RequestRow[] = [];
  const storm: RequestRow[] = [];
  const single = await startBenchServer({ clientIds, singleActiveToken: true });
  try {
    for (const spec of contenders) {
      burst.push(
        await runRequestScenario('burst', spec, single, { requests: sizes.burst, jitterMs: 0 }, progress),
      );
    }
    for (const spec of contenders) {
      const stormSizes = { requests: sizes.storm, jitterMs: sizes.stormJitterMs };
      storm.push(await runRequestScenario('storm', spec, single, stormSizes, progress));
    }
  } finally {
    await single.close();
  }
  const ours = contenders.filter((spec) => spec.kind === 'tokvault');
  const burstLatency = await runBurstLatencyIsolated(ours, sizes.burstLatency, progress);

  const overhead = await runOverheadIsolated(baselines, contenders, sizes.overhead, progress);

  const hotPath = await runHotPath(sizes.hotPathOps, sizes.hotPathRounds, progress);
  const memory = await runMemory(sizes.memoryRequests, progress);
  const dpop = await runDpop(sizes.overhead, progress);
  const fleetWait = await runFleetWait(sizes.fleetWait, progress);
  progress.end();
  return {
    mode: options.mode,
    sizes,
    machine,
    durationMs: nowMs() - started,
    burst,
    storm,
    overhead,
    hotPath,
    memory,
    burstLatency,
    dpop,
    fleetWait,
  };
}
