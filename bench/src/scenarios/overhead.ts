/**
 * Scenario 3, steady-state overhead: requests per second through each contender against the
 * same client with a static `Authorization` header, on a token that stays valid (no refresh),
 * against the lean endpoint (a token lookup in the mock server and nothing else).
 * Contenders, the baseline and an A/A control (a second, identical static-header client) are
 * measured in interleaved blocks with balanced positions (`interleaved.ts`); ratios are of the
 * totals. The control's ratio shows the method's noise in the same run.
 * `runOverheadIsolated` runs each client's group in a child process of its own (`child.ts`).
 */
import type { ClientKind, ContenderKind, ContenderSpec } from '../contender.js';
import type { Progress } from '../report/progress.js';
import type { BenchServer } from '../server.js';
import { runChild } from './child.js';
import { type InterleavedSizes, interleave, requestsPerSec, type Totals } from './interleaved.js';

/** One contender's steady-state throughput relative to its client's static-header baseline. */
export interface OverheadRow {
  id: string;
  label: string;
  client: ClientKind;
  kind: ContenderKind;
  baselineLabel: string;
  requestsPerSec: number;
  baselineRequestsPerSec: number;
  /** contender req/s ÷ baseline req/s over all blocks (1.00 = no overhead). */
  ratio: number;
  /** CPU time of this process per request (server included), microseconds. */
  cpuUsPerRequest: number;
  baselineCpuUsPerRequest: number;
  /** contender CPU per request ÷ baseline CPU per request: less sensitive to other load. */
  cpuRatio: number;
  failed: number;
}

/** Sizes of scenario 3: blocks of `requestsPerRound`, `rounds` blocks per contender. */
export type OverheadSizes = InterleavedSizes;

/**
 * Run scenario 3 for `contenders`, each compared with the baseline of its client; each client's
 * rows end with its A/A control (`kind: 'baseline'`, id `<baseline id>-control`).
 */
export async function runOverhead(
  baselines: readonly ContenderSpec[],
  contenders: readonly ContenderSpec[],
  server: BenchServer,
  sizes: OverheadSizes,
  progress: Progress,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const baselineSpec of baselines) {
    const control: ContenderSpec = {
      ...baselineSpec,
      id: `${baselineSpec.id}-control`,
      label: `${baselineSpec.label} (A/A control)`,
    };
    const group = [...contenders.filter((c) => c.client === baselineSpec.client), control];
    const baseline = await baselineSpec.create(server.leanEnv(baselineSpec.id));
    // The control is the baseline's client registration again (a second token of the same client).
    const envOf = (spec: ContenderSpec) => server.leanEnv(spec === control ? baselineSpec.id : spec.id);
    const live = await Promise.all(group.map((spec) => spec.create(envOf(spec))));
    try {
      const [base, ...results] = (await interleave([baseline, ...live], sizes, (round) =>
        progress.update(`steady-state overhead · ${baselineSpec.client}`, round + 1, sizes.rounds),
      )) as [Totals, ...Totals[]];
      const baseCpuUs = base.cpuUs / base.requests;
      for (const [i, spec] of group.entries()) {
        const result = results[i]!;
        const cpuUs = result.cpuUs / result.requests;
        rows.push({
          id: spec.id,
          label: spec.label,
          client: spec.client,
          kind: spec.kind,
          baselineLabel: baselineSpec.label,
          requestsPerSec: requestsPerSec(result),
          baselineRequestsPerSec: requestsPerSec(base),
          ratio: requestsPerSec(result) / requestsPerSec(base),
          cpuUsPerRequest: cpuUs,
          baselineCpuUsPerRequest: baseCpuUs,
          cpuRatio: cpuUs / baseCpuUs,
          failed: result.failed,
        });
      }
    } finally {
      await Promise.all([baseline, ...live].map((c) => c.close()));
    }
  }
  return rows;
}

/** What a scenario 3 child process measures. */
export interface OverheadJob {
  baseline: string;
  contenders: string[];
  sizes: OverheadSizes;
}

/** Scenario 3 with each client's group in a process of its own (`child.ts`). */
export async function runOverheadIsolated(
  baselines: readonly ContenderSpec[],
  contenders: readonly ContenderSpec[],
  sizes: OverheadSizes,
  progress: Progress,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const baseline of baselines) {
    const job: OverheadJob = {
      baseline: baseline.id,
      contenders: contenders.filter((c) => c.client === baseline.client).map((c) => c.id),
      sizes,
    };
    rows.push(...(await runChild<OverheadRow[]>('./overheadWorker.ts', job, progress)));
  }
  return rows;
}
