/**
 * The result tables, shared by the console output and RESULTS.md.
 */
import { formatBytes, formatInt, formatMs, formatRate, formatRatio, formatUs } from '../format.js';
import type { BenchReport } from '../run.js';
import type { RequestRow } from '../scenarios/requests.js';
import type { Table } from './table.js';
import { BURST_LATENCY_TARGET, isCorrect, OVERHEAD_TARGET } from './targets.js';

/** Scenario 1 or 2 as a table. */
export function requestTable(rows: readonly RequestRow[]): Table {
  return {
    headers: ['contender', 'client', 'requests', 'token calls', '401s', 'failed', 'p50', 'p99', 'correct'],
    align: ['left', 'left'],
    rows: rows.map((row) => [
      row.label,
      row.client,
      formatInt(row.requests),
      formatInt(row.tokenCalls),
      formatInt(row.rejected),
      formatInt(row.failed),
      formatMs(row.latency.p50),
      formatMs(row.latency.p99),
      isCorrect(row) ? 'yes' : 'no',
    ]),
  };
}

/** Scenario 3 as a table. */
export function overheadTable(report: BenchReport): Table {
  return {
    headers: [
      'contender',
      'baseline',
      'req/s',
      'baseline req/s',
      'ratio',
      `>= ${OVERHEAD_TARGET}`,
      'CPU/req',
      'baseline CPU/req',
      'CPU ratio',
    ],
    align: ['left', 'left'],
    rows: report.overhead.map((row) => [
      row.label,
      row.baselineLabel,
      formatInt(row.requestsPerSec),
      formatInt(row.baselineRequestsPerSec),
      formatRatio(row.ratio),
      row.ratio >= OVERHEAD_TARGET ? 'yes' : 'no',
      formatUs(row.cpuUsPerRequest),
      formatUs(row.baselineCpuUsPerRequest),
      formatRatio(row.cpuRatio),
    ]),
  };
}

/** Scenarios 4 and 5 as one table. */
export function vaultTable(report: BenchReport): Table {
  const { hotPath, memory } = report;
  return {
    headers: ['measure', 'result', 'detail'],
    align: ['left', 'right', 'left'],
    rows: [
      [
        'getToken() on a fresh token',
        formatRate(hotPath.getTokenOpsPerSec),
        `median of ${hotPath.rounds} rounds`,
      ],
      [
        'async () => constant',
        formatRate(hotPath.constantOpsPerSec),
        `${formatInt(hotPath.opsPerRound)} ops per round`,
      ],
      ['ratio (target < 2x)', formatRatio(hotPath.ratio), 'median of per-round ratios'],
      [
        'heap growth (target < 1 MB)',
        formatBytes(memory.growthBytes),
        `${formatInt(memory.requests)} requests, ${formatInt(memory.refreshes)} refreshes, after forced GC`,
      ],
    ],
  };
}

/**
 * Scenario 6 as a table: one row per adapter, concurrency and token-endpoint delay. The ratios to
 * the resend baseline (the least work after a revocation) carry the target; those to the static
 * header show the whole cost of the revocation (about 2x at best).
 */
export function burstLatencyTable(report: BenchReport): Table {
  return {
    headers: [
      'contender',
      'at once',
      'token delay',
      'token calls',
      'failed',
      'wall',
      'p50',
      'p99',
      'CPU',
      'resend wall',
      'resend p99',
      'resend CPU',
      'wall ÷ resend',
      'p99 ÷ resend',
      'CPU ÷ resend',
      `<= ${BURST_LATENCY_TARGET}`,
      'static wall',
      'static CPU',
      'wall ÷ static',
      'CPU ÷ static',
    ],
    align: ['left'],
    rows: report.burstLatency.map((row) => [
      row.label,
      formatInt(row.concurrency),
      formatMs(row.tokenDelayMs),
      formatInt(row.tokenCalls),
      formatInt(row.contender.failed),
      formatMs(row.contender.wallMs),
      formatMs(row.contender.latency.p50),
      formatMs(row.contender.latency.p99),
      formatMs(row.contender.cpuMs),
      formatMs(row.resend.wallMs),
      formatMs(row.resend.latency.p99),
      formatMs(row.resend.cpuMs),
      formatRatio(row.resendWallRatio),
      formatRatio(row.resendP99Ratio),
      formatRatio(row.resendCpuRatio),
      row.resendWallRatio <= BURST_LATENCY_TARGET ? 'yes' : 'no',
      formatMs(row.baseline.wallMs),
      formatMs(row.baseline.cpuMs),
      formatRatio(row.wallRatio),
      formatRatio(row.cpuRatio),
    ]),
  };
}

/** Scenario 8 (fleet wait at expiry, per Redis client library) as a table. */
export function fleetWaitTable(report: BenchReport): Table {
  return {
    headers: [
      'client',
      'fleet',
      'p50 store',
      'p99 store',
      'p50 no store',
      'p99 no store',
      'p99 ÷ no store',
      'token calls (no store)',
      'locks per token call',
      'failed',
    ],
    align: ['left', 'left'],
    rows: report.fleetWait.map((row) => [
      row.client,
      `${row.processes} × ${row.callers}`,
      formatMs(row.withStore.p50),
      formatMs(row.withStore.p99),
      formatMs(row.withoutStore.p50),
      formatMs(row.withoutStore.p99),
      formatRatio(row.p99Ratio),
      `${formatInt(row.tokenCalls)} (${formatInt(row.soloTokenCalls)})`,
      row.locksPerTokenCall.toFixed(1),
      formatInt(row.failed),
    ]),
  };
}

/** Scenario 7 (DPoP ÷ Bearer per client) as a table. */
export function dpopTable(report: BenchReport): Table {
  return {
    headers: ['client', 'Bearer req/s', 'DPoP req/s', 'DPoP ÷ Bearer', 'extra CPU/req', 'failed'],
    align: ['left'],
    rows: report.dpop.map((row) => [
      row.client,
      formatInt(row.bearerRequestsPerSec),
      formatInt(row.dpopRequestsPerSec),
      formatRatio(row.ratio),
      formatUs(row.extraCpuUsPerRequest),
      formatInt(row.failed),
    ]),
  };
}
