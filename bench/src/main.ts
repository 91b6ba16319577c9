/**
 * `pnpm bench [--quick] [--out <dir>]`: run the scenarios, print the tables, write RESULTS.md
 * and results.svg. Exit code 1 if the run crashed or a tokvault contender failed a request or
 * fetched more than one token in scenario 1 or 2 (correctness); performance targets are
 * reported, never enforced.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderResultsChart } from './report/chart.js';
import { createProgress, type Progress } from './report/progress.js';
import { renderResultsMarkdown } from './report/results.js';
import { textTable } from './report/table.js';
import {
  burstLatencyTable,
  dpopTable,
  fleetWaitTable,
  overheadTable,
  requestTable,
  vaultTable,
} from './report/tables.js';
import { checkTargets, isCorrect, peerWins } from './report/targets.js';
import { type BenchReport, FULL_SIZES, QUICK_SIZES, runBench } from './run.js';

/** Parsed command line. */
export interface BenchArgs {
  quick: boolean;
  outDir: string;
  help: boolean;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Parse `--quick`, `--out <dir>`, `--help` (a leading `--` from pnpm is ignored). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const outDir = values.out ?? (quick ? path.join(os.tmpdir(), 'tokvault-bench-quick') : BENCH_DIR);
  return { quick, outDir: path.resolve(outDir), help: values.help === true };
}

/** Write RESULTS.md and results.svg into `outDir`; returns their paths. */
export async function writeResults(
  report: BenchReport,
  outDir: string,
): Promise<{ markdown: string; svg: string }> {
  await mkdir(outDir, { recursive: true });
  const markdown = path.join(outDir, 'RESULTS.md');
  const svg = path.join(outDir, 'results.svg');
  await writeFile(markdown, renderResultsMarkdown(report));
  await writeFile(svg, renderResultsChart(report));
  return { markdown, svg };
}

/** Print the tables, targets and peer wins of a report. */
export function printReport(report: BenchReport, log: (line: string) => void): void {
  log('\n1. Burst at expiry');
  log(textTable(requestTable(report.burst)));
  log('\n2. Stale-401 storm');
  log(textTable(requestTable(report.storm)));
  log('\n3. Steady-state overhead');
  log(textTable(overheadTable(report)));
  log('\n4-5. Hot path and memory');
  log(textTable(vaultTable(report)));
  log('\n6. Burst latency after a revocation (ratios to the static-header client, same run)');
  log(textTable(burstLatencyTable(report)));
  log('\n7. DPoP ÷ Bearer (one proof signed per request)');
  log(textTable(dpopTable(report)));
  log('\n8. Fleet wait at expiry on Redis (with the store ÷ without)');
  log(textTable(fleetWaitTable(report)));
  log('\nTargets');
  for (const check of checkTargets(report)) {
    log(`  ${check.met ? 'ok  ' : 'MISS'} ${check.name}: ${check.measured} (goal ${check.target})`);
  }
  const wins = peerWins(report);
  if (wins.length > 0) {
    log('\nWhere a peer did better');
    for (const win of wins) log(`  - ${win}`);
  }
}

/** True when every tokvault contender was correct in scenarios 1, 2, 6 and 7. */
export function tokvaultCorrect(report: BenchReport): boolean {
  return (
    [...report.burst, ...report.storm].filter((row) => row.kind === 'tokvault').every(isCorrect) &&
    report.burstLatency.every((row) => row.tokenCalls === 1 && row.contender.failed === 0) &&
    report.dpop.every((row) => row.failed === 0)
  );
}

/** Run the bench from the command line; resolves to the exit code. */
export async function main(argv: readonly string[], progress: Progress = createProgress()): Promise<number> {
  const args = parseBenchArgs(argv);
  if (args.help) {
    console.log(
      'Usage: pnpm bench [--quick] [--out <dir>]\n  --quick  reduced sizes (CI)\n  --out    where RESULTS.md and results.svg go',
    );
    return 0;
  }
  const mode = args.quick ? 'quick' : 'full';
  progress.log(`tokvault bench (${mode}) — results go to ${args.outDir}`);
  const report = await runBench({ mode, sizes: args.quick ? QUICK_SIZES : FULL_SIZES, progress });
  printReport(report, (line) => console.log(line));
  const written = await writeResults(report, args.outDir);
  console.log(`\nWrote ${written.markdown} and ${written.svg} (${(report.durationMs / 1000).toFixed(1)} s)`);
  return tokvaultCorrect(report) ? 0 : 1;
}
