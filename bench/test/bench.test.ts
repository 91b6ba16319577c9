import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchArgs, tokvaultCorrect, writeResults } from '../src/main.js';
import { BASELINES, REFRESHING, RESEND_BASELINES } from '../src/peers/index.js';
import { createProgress, silentProgress } from '../src/report/progress.js';
import { escapeXml } from '../src/report/svg.js';
import { markdownTable } from '../src/report/table.js';
import { checkTargets } from '../src/report/targets.js';
import { type BenchReport, type BenchSizes, runBench } from '../src/run.js';
import { percentile } from '../src/stats.js';
import { assertWellFormedXml } from './xml.js';

const TINY: BenchSizes = {
  burst: 20,
  storm: 20,
  stormJitterMs: 40,
  overhead: { requestsPerRound: 10, rounds: 1, concurrency: 2 },
  hotPathOps: 2_000,
  hotPathRounds: 1,
  memoryRequests: 2_000,
  burstLatency: { concurrencies: [5, 10], tokenDelaysMs: [0, 10], rounds: 2 },
  fleetWait: { processes: 2, callers: 5, expiries: 1 },
};

let report: BenchReport;
let outDir: string;

beforeAll(async () => {
  report = await runBench({ mode: 'quick', sizes: TINY, progress: silentProgress });
  outDir = await mkdtemp(path.join(os.tmpdir(), 'tokvault-bench-test-'));
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('scenarios 1-2 against the single-session mock server', () => {
  it('runs every contender through the burst and the storm with the requested sizes', () => {
    expect(report.burst.map((row) => row.id)).toEqual(REFRESHING.map((spec) => spec.id));
    expect(report.storm.map((row) => row.id)).toEqual(REFRESHING.map((spec) => spec.id));
    for (const row of report.burst) expect(row.requests).toBe(TINY.burst);
    for (const row of report.storm) expect(row.requests).toBe(TINY.storm);
  });

  it('tokvault adapters fetch exactly one token and lose no request in both scenarios', () => {
    const ours = [...report.burst, ...report.storm].filter((row) => row.kind === 'tokvault');
    expect(ours).toHaveLength(8);
    for (const row of ours)
      expect({ id: row.id, tokenCalls: row.tokenCalls, failed: row.failed }).toEqual({
        id: row.id,
        tokenCalls: 1,
        failed: 0,
      });
    // Burst: every request was sent with the expired token first, so the server refused each once.
    for (const row of report.burst.filter((r) => r.kind === 'tokvault'))
      expect(row.rejected).toBe(row.requests);
    // Storm: requests checked before the rotation pass; the others are refused once, never twice.
    for (const row of report.storm.filter((r) => r.kind === 'tokvault')) {
      expect(row.rejected).toBeGreaterThan(0);
      expect(row.rejected).toBeLessThanOrEqual(row.requests);
    }
    expect(tokvaultCorrect(report)).toBe(true);
  });

  it('counts a client that refreshes per request: the naive client pays one token call per request', () => {
    const naive = report.burst.find((row) => row.id === 'naive');
    expect(naive?.tokenCalls).toBe(TINY.burst);
    expect(tokvaultCorrect({ ...report, burst: report.burst.map((r) => ({ ...r, kind: 'tokvault' })) })).toBe(
      false,
    );
  });
});

describe('scenario 6: burst latency after a revocation', () => {
  it('runs each tokvault adapter at every concurrency and token delay, next to its static-header client', () => {
    const ours = REFRESHING.filter((spec) => spec.kind === 'tokvault');
    expect(report.burstLatency).toHaveLength(ours.length * 4);
    for (const spec of ours) {
      const cells = report.burstLatency.filter((row) => row.id === spec.id);
      expect(cells.map((row) => [row.tokenDelayMs, row.concurrency])).toEqual([
        [0, 5],
        [0, 10],
        [10, 5],
        [10, 10],
      ]);
      for (const row of cells) {
        expect(row.baselineLabel).toBe(BASELINES.find((b) => b.client === spec.client)?.label);
        expect(row.rounds).toBe(2);
        expect(row.contender.latency.count).toBe(row.concurrency);
        expect(row.baseline.latency.count).toBe(row.concurrency);
        expect(row.baseline.failed).toBe(0);
        expect(row.wallRatio).toBeCloseTo(row.contender.wallMs / row.baseline.wallMs, 10);
        // The resend baseline: the same client by hand, each request refused once and resent, one token call.
        expect(row.resendLabel).toBe(RESEND_BASELINES.find((b) => b.client === spec.client)?.label);
        expect(row.resend.latency.count).toBe(row.concurrency);
        expect(row.resend.failed).toBe(0);
        expect(row.resendTokenCalls).toBe(1);
        expect(row.resendWallRatio).toBeCloseTo(row.contender.wallMs / row.resend.wallMs, 10);
        expect(row.resendCpuRatio).toBeCloseTo(row.contender.cpuMs / row.resend.cpuMs, 10);
        expect(row.p99Ratio).toBeGreaterThan(0);
      }
    }
  });

  it('tokvault fetches one token and loses no request in every cell, and the targets list each cell', () => {
    for (const row of report.burstLatency)
      expect({ id: row.id, tokenCalls: row.tokenCalls, failed: row.contender.failed }).toEqual({
        id: row.id,
        tokenCalls: 1,
        failed: 0,
      });
    const names = checkTargets(report).map((check) => check.name);
    expect(names).toContain('burst after revocation: tokvault + ky, 10 at once, token delay 10.0 ms');
    const broken = { ...report, burstLatency: report.burstLatency.map((r) => ({ ...r, tokenCalls: 2 })) };
    expect(tokvaultCorrect(broken)).toBe(false);
  });
});

describe('scenario 8: fleet wait at expiry on the local Redis', () => {
  it('runs a fleet per client library with and without the store: one token call, one lock per expiry', () => {
    expect(report.fleetWait.map((row) => row.client)).toEqual(['node-redis', 'ioredis']);
    for (const row of report.fleetWait) {
      const { processes, callers, expiries } = TINY.fleetWait;
      expect(row.withStore.count).toBe(processes * callers * expiries);
      expect(row.withoutStore.count).toBe(processes * callers * expiries);
      expect({ tokenCalls: row.tokenCalls, solo: row.soloTokenCalls, failed: row.failed }).toEqual({
        tokenCalls: expiries,
        solo: processes * expiries,
        failed: 0,
      });
      expect(row.lockAcquisitions).toBeGreaterThanOrEqual(expiries);
      expect(row.lockAcquisitions).toBeLessThanOrEqual(2 * expiries);
    }
    expect(checkTargets(report).filter((check) => check.name.startsWith('fleet wait'))).toHaveLength(2);
  });
});

describe('scenarios 3-5', () => {
  it('compares every refreshing contender, and an A/A control, with the static-header client of its kind', () => {
    const controls = BASELINES.map((spec) => `${spec.id}-control`);
    expect(report.overhead.map((row) => row.id).sort()).toEqual(
      [...REFRESHING.map((spec) => spec.id), ...controls].sort(),
    );
    expect(report.overhead.filter((row) => row.kind === 'baseline').map((row) => row.id)).toEqual(controls);
    for (const row of report.overhead) {
      const baseline = BASELINES.find((spec) => spec.client === row.client);
      expect(row.baselineLabel).toBe(baseline?.label);
      expect(row.ratio).toBeGreaterThan(0);
      expect(row.failed).toBe(0);
    }
  });

  it('measures DPoP against Bearer for every client, with no failed request', () => {
    expect(report.dpop.map((row) => row.client)).toEqual(['axios', 'ky', 'fetch']);
    for (const row of report.dpop) {
      expect(row.ratio).toBeGreaterThan(0);
      expect(row.failed).toBe(0);
    }
  });

  it('measures the hot path and the memory cycles', () => {
    expect(report.hotPath.getTokenOpsPerSec).toBeGreaterThan(0);
    expect(report.hotPath.ratio).toBeGreaterThan(0);
    expect(report.memory.requests).toBe(TINY.memoryRequests);
    expect(report.memory.refreshes).toBe(TINY.memoryRequests / 100);
    expect(report.memory.tokenCalls).toBe(report.memory.refreshes);
    expect(checkTargets(report).map((check) => check.name)).toContain(
      'hot path: getToken() / async constant',
    );
  });
});

describe('outputs', () => {
  it('writes RESULTS.md with every scenario, contender, the machine and the versions', async () => {
    const written = await writeResults(report, outDir);
    const markdown = await readFile(written.markdown, 'utf8');
    for (const heading of [
      '## Machine',
      '## Targets',
      '## 1. Burst',
      '## 2. Stale-401',
      '## 3. Steady',
      '## 4-5.',
      '## 6. Burst latency after a revocation',
      '## 8. Fleet wait at expiry (Redis)',
    ]) {
      expect(markdown).toContain(heading);
    }
    for (const spec of [...REFRESHING, ...BASELINES]) expect(markdown).toContain(spec.label);
    expect(markdown).toContain(report.machine.node);
    expect(markdown).toMatch(/\| axios-auth-refresh +\|/);
    expect(markdown).toMatch(/\| undici-oidc-interceptor +\|/);
    expect(markdown).toContain('![Bar charts of scenarios 1-3](results.svg)');
    expect(markdown).toContain('Quick run');
  });

  it('writes RESULTS.md exactly as Biome formats Markdown, so the committed file passes lint', async () => {
    const written = await writeResults(report, outDir);
    const markdown = await readFile(written.markdown, 'utf8');
    const biome = path.resolve(import.meta.dirname, '../../node_modules/.bin/biome');
    const formatted = execFileSync(biome, ['format', '--stdin-file-path=bench/RESULTS.md'], {
      input: markdown,
    });
    expect(formatted.toString()).toBe(markdown);
  });

  it('writes a well-formed SVG with one bar label per contender and scenario', async () => {
    const written = await writeResults(report, outDir);
    const svg = await readFile(written.svg, 'utf8');
    assertWellFormedXml(svg);
    expect(svg).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    for (const spec of REFRESHING) {
      const label = `>${escapeXml(spec.label)}</text>`;
      expect(svg.split(label).length - 1).toBe(3);
    }
  });

  it('escapes text for XML and Markdown', () => {
    expect(escapeXml(`<a & "b">'`)).toBe('&lt;a &amp; &quot;b&quot;&gt;&apos;');
    expect(() => assertWellFormedXml(`<svg><text>${escapeXml('a < b & c')}</text></svg>`)).not.toThrow();
    expect(() => assertWellFormedXml('<svg><text>a < b</text></svg>')).toThrow();
    expect(markdownTable({ headers: ['a|b', 'n'], rows: [['x', '1']] })).toBe(
      '| a\\|b |   n |\n| ---- | --: |\n| x    |   1 |',
    );
  });
});

describe('command line and progress', () => {
  it('parses --quick as pnpm forwards it, with or without a leading --', () => {
    expect(parseBenchArgs(['--quick']).quick).toBe(true);
    expect(parseBenchArgs(['--', '--quick']).quick).toBe(true);
    expect(parseBenchArgs([]).quick).toBe(false);
    expect(parseBenchArgs(['--quick', '--out', 'x']).outDir).toBe(path.resolve('x'));
    expect(() => parseBenchArgs(['--quik'])).toThrow(/quik/);
  });

  it('prints one line per step in logs and rewrites one line on a terminal', () => {
    const chunks: string[] = [];
    const log = createProgress({ write: (chunk: string) => chunks.push(chunk), isTTY: false });
    log.update('burst', 1, 2);
    log.update('burst', 2, 2);
    log.update('storm');
    expect(chunks.map((c) => c.replace(/^\[[\d.]+s\] /, ''))).toEqual(['burst\n', 'storm\n']);
    const tty: string[] = [];
    const live = createProgress({ write: (chunk: string) => tty.push(chunk), isTTY: true });
    live.update('burst', 1, 2);
    live.log('done');
    const clearLine = '\r\u001b[2K';
    expect(tty[0]?.startsWith(clearLine)).toBe(true);
    expect(tty[0]?.slice(clearLine.length)).toMatch(/^\[[\d.]+s\] burst 1\/2$/);
    expect(tty.slice(1)).toEqual([clearLine, 'done\n']);
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
  });
});
