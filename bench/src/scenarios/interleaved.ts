/**
 * The measuring loop of scenarios 3 and 7: several contenders measured in short blocks, one
 * block each per round, the order rotated every round and reversed every other cycle, so that
 * each contender spends as many blocks in each position as the others.
 *
 * Why: the same client measured twice in a row does not cost the same twice. On this machine an
 * A/A comparison (the static-header client against a second instance of itself) measured
 * 0.74-0.81x CPU whenever one side always sat in the middle of the order, and the per-pair ratios
 * of the previous method (back-to-back pairs, order alternating, median of 9) spread from 0.74 to
 * 1.6x: the median of an odd number of alternating pairs falls into one position's cluster. With
 * balanced positions and totals instead of medians, the A/A ratio measured 0.99-1.02x.
 */
import type { Contender } from '../contender.js';
import { nowMs } from '../stats.js';
import { exposeGc } from './memory.js';

/** Sizes of an interleaved measurement. */
export interface InterleavedSizes {
  /** Requests per block. */
  requestsPerRound: number;
  /** Blocks per contender. */
  rounds: number;
  /** Requests in flight at once within a block. */
  concurrency: number;
}

/** One contender's totals over all its blocks. */
export interface Totals {
  requests: number;
  wallMs: number;
  /** CPU time of this process (client and server), microseconds. */
  cpuUs: number;
  failed: number;
}

const gc = exposeGc();

async function block(contender: Contender, sizes: InterleavedSizes, into: Totals): Promise<void> {
  gc(); // every block starts on a clean heap: a collection owed by one contender lands less often in another's
  let next = 0;
  const worker = async () => {
    while (next < sizes.requestsPerRound) {
      next += 1;
      if (!(await contender.get('/fast'))) into.failed += 1;
    }
  };
  const started = nowMs();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: sizes.concurrency }, worker));
  const used = process.cpuUsage(cpu);
  into.wallMs += nowMs() - started;
  into.cpuUs += used.user + used.system;
  into.requests += sizes.requestsPerRound;
}

/** The order of round `round`: rotated by one each round, reversed every other full cycle. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  const rotated = items.map((_, i) => items[(i + round) % n] as T);
  return Math.floor(round / n) % 2 === 1 ? rotated.reverse() : rotated;
}

/**
 * Measure `contenders` in interleaved blocks (after one warm-up block each) and return their
 * totals, in the order given. `onRound` reports progress.
 */
export async function interleave(
  contenders: readonly Contender[],
  sizes: InterleavedSizes,
  onRound: (round: number) => void = () => {},
): Promise<Totals[]> {
  const totals: Totals[] = [];
  for (const contender of contenders) {
    const warmUp: Totals = { requests: 0, wallMs: 0, cpuUs: 0, failed: 0 };
    await block(contender, sizes, warmUp); // the token, the sockets, the JIT
    totals.push({ ...warmUp, requests: 0, wallMs: 0, cpuUs: 0 });
  }
  const indexed = contenders.map((contender, i) => ({ contender, totals: totals[i] as Totals }));
  for (let round = 0; round < sizes.rounds; round++) {
    onRound(round);
    for (const { contender, totals: into } of roundOrder(indexed, round)) await block(contender, sizes, into);
  }
  return totals;
}

/** Requests per second of `totals`. */
export const requestsPerSec = (totals: Totals): number => (totals.requests / totals.wallMs) * 1000;
