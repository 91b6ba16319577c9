/**
 * Scenario 3, steady-state overhead: requests per second through each contender against the
 * same client with a static `Authorization` header, on a token that stays valid (no refresh),
 * against the lean endpoint (a token lookup in the mock server and nothing else).
 * Each round measures baseline and contender back to back (order alternating by round); the
 * ratio is the median of these paired ratios, which cancels most of the drift of a busy machine.
 */
import type { ClientKind, Contender, ContenderKind, ContenderSpec } from '../contender.js';
import type { Progress } from '../report/progress.js';
import type { BenchServer } from '../server.js';
import { median, nowMs } from '../stats.js';
import { exposeGc } from './memory.js';

/** One contender's steady-state throughput relative to its client's static-header baseline. */
export interface OverheadRow {
  id: string;
  label: string;
  client: ClientKind;
  kind: ContenderKind;
  baselineLabel: string;
  requestsPerSec: number;
  baselineRequestsPerSec: number;
  /** contender req/s ÷ baseline req/s (1.00 = no overhead). */
  ratio: number;
  /** CPU time of this process per request (server included), microseconds. */
  cpuUsPerRequest: number;
  baselineCpuUsPerRequest: number;
  /** contender CPU per request ÷ baseline CPU per request (median of pairs): less sensitive to other load. */
  cpuRatio: number;
  failed: number;
}

/** Sizes of scenario 3. */
export interface OverheadSizes {
  requestsPerRound: number;
  rounds: number;
  concurrency: number;
}

interface Measurement {
  rps: number;
  cpuUs: number;
  failed: number;
}

const gc = exposeGc();

async function measure(contender: Contender, sizes: OverheadSizes): Promise<Measurement> {
  gc(); // start every measurement with a clean heap, so a collection does not land in one side only
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < sizes.requestsPerRound) {
      next += 1;
      if (!(await contender.get('/fast'))) failed += 1;
    }
  };
  const started = nowMs();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: sizes.concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return {
    rps: (sizes.requestsPerRound / (nowMs() - started)) * 1000,
    cpuUs: (used.user + used.system) / sizes.requestsPerRound,
    failed,
  };
}

/** Run scenario 3 for `contenders`, each compared with the baseline of its client. */
export async function runOverhead(
  baselines: readonly ContenderSpec[],
  contenders: readonly ContenderSpec[],
  server: BenchServer,
  sizes: OverheadSizes,
  progress: Progress,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const baselineSpec of baselines) {
    const group = contenders.filter((c) => c.client === baselineSpec.client);
    const baseline = await baselineSpec.create(server.leanEnv(baselineSpec.id));
    const live = await Promise.all(group.map((spec) => spec.create(server.leanEnv(spec.id))));
    try {
      // Warm-up: every contender gets its token and the sockets open.
      for (const contender of [baseline, ...live]) await measure(contender, { ...sizes, rounds: 1 });
      const baseRps: number[] = [];
      const baseCpu: number[] = [];
      const rps = group.map(() => [] as number[]);
      const cpu = group.map(() => [] as number[]);
      const ratios = group.map(() => [] as number[]);
      const cpuRatios = group.map(() => [] as number[]);
      const failed = group.map(() => 0);
      for (let round = 0; round < sizes.rounds; round++) {
        progress.update(`steady-state overhead · ${baselineSpec.client}`, round + 1, sizes.rounds);
        for (const [i, contender] of live.entries()) {
          // Paired measurement, order alternating by round: the ratio compares neighbours in time.
          const pair = round % 2 === 0 ? [baseline, contender] : [contender, baseline];
          const [first, second] = [await measure(pair[0]!, sizes), await measure(pair[1]!, sizes)];
          const [base, result] = round % 2 === 0 ? [first, second] : [second, first];
          baseRps.push(base.rps);
          baseCpu.push(base.cpuUs);
          rps[i]?.push(result.rps);
          cpu[i]?.push(result.cpuUs);
          ratios[i]?.push(result.rps / base.rps);
          cpuRatios[i]?.push(result.cpuUs / base.cpuUs);
          failed[i] = (failed[i] ?? 0) + result.failed;
        }
      }
      for (const [i, spec] of group.entries()) {
        rows.push({
          id: spec.id,
          label: spec.label,
          client: spec.client,
          kind: spec.kind,
          baselineLabel: baselineSpec.label,
          requestsPerSec: median(rps[i] ?? []),
          baselineRequestsPerSec: median(baseRps),
          ratio: median(ratios[i] ?? []),
          cpuUsPerRequest: median(cpu[i] ?? []),
          baselineCpuUsPerRequest: median(baseCpu),
          cpuRatio: median(cpuRatios[i] ?? []),
          failed: failed[i] ?? 0,
        });
      }
    } finally {
      await Promise.all([baseline, ...live].map((c) => c.close()));
    }
  }
  return rows;
}
