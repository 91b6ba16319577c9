import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLIENT_NAMES } from '../src/clients.js';
import { type ComparisonRow, comparisonProblems } from '../src/compare.js';
import { evaluate, type PhaseResult, runDemo } from '../src/runDemo.js';

function capture(): { console: Console; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { console: new Console({ stdout: stream, stderr: stream }), text: () => chunks.join('') };
}

const SMALL = {
  tokenTtlMs: 3_000,
  burstSize: 6,
  burstsPerPhase: 2,
  jitterMs: 10,
  sideBySide: 12,
  live: undefined,
};

describe('pnpm demo', () => {
  it('exits 0: no failure, one token request per client for the first token and for each expiry', async () => {
    const out = capture();
    const result = await runDemo({ ...SMALL, console: out.console });
    expect(result.problems).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.phases.map((phase) => phase.expectedTokenRequests)).toEqual([1, 0, 1, 1, 1]);
    for (const phase of result.phases) {
      for (const name of CLIENT_NAMES) {
        const { requests, failed, tokenRequests, refreshes, backgroundRefreshes } = phase.clients[name];
        expect({ requests, failed }).toEqual({ requests: 12, failed: 0 });
        // One token request per refresh; the phase's own expiry started at most one of them (a
        // background refresh on a slow machine may add one, or carry the planned refresh).
        expect(tokenRequests).toBe(refreshes);
        expect(refreshes - backgroundRefreshes).toBeLessThanOrEqual(phase.expectedTokenRequests);
        expect(refreshes).toBeGreaterThanOrEqual(phase.expectedTokenRequests);
      }
    }
    // Server-side expiry: every request of the phase's first burst got a 401 and was retried once.
    for (const name of CLIENT_NAMES)
      expect(result.phases[2]?.clients[name].unauthorized).toBeGreaterThanOrEqual(6);
    // Lifetime expiry: the vault refreshed before sending, so the server refused nothing.
    for (const name of CLIENT_NAMES) expect(result.phases[3]?.clients[name].unauthorized).toBe(0);
    const count = (field: 'refreshes' | 'backgroundRefreshes') =>
      result.phases.reduce(
        (sum, phase) => sum + CLIENT_NAMES.reduce((inner, name) => inner + phase.clients[name][field], 0),
        0,
      );
    expect(result.serverTokenRequests).toBe(count('refreshes'));
    expect(count('refreshes')).toBeGreaterThanOrEqual(4 * CLIENT_NAMES.length);
    expect(count('refreshes')).toBeLessThanOrEqual(4 * CLIENT_NAMES.length + count('backgroundRefreshes'));
    const text = out.text();
    for (const column of ['requests', 'token-endpoint calls', '401 retries', 'failures', 'p50', 'p99']) {
      expect(text).toContain(column);
    }
    expect(text).toContain('each of the 3 expiries cost exactly one token request per client');

    // Side by side: the same bursts through tokvault, a naive interceptor and axios-auth-refresh.
    const row = (contender: string, scenario: ComparisonRow['scenario']) =>
      result.comparison.find((r) => r.contender === contender && r.scenario === scenario);
    expect(result.comparison.map((r) => `${r.contender}/${r.scenario}`)).toEqual([
      'tokvault + axios/burst',
      'tokvault + axios/storm',
      'naive axios interceptor/burst',
      'naive axios interceptor/storm',
      'axios-auth-refresh 5/burst',
      'axios-auth-refresh 5/storm',
    ]);
    expect(row('tokvault + axios', 'burst')).toMatchObject({
      requests: 12,
      tokenRequests: 1,
      unauthorized: 12,
      failed: 0,
    });
    expect(row('tokvault + axios', 'storm')).toMatchObject({ requests: 12, failed: 0 });
    // Every request of the naive interceptor got a 401 and fetched its own token.
    expect(row('naive axios interceptor', 'burst')).toMatchObject({ requests: 12, tokenRequests: 12 });
    expect(text).toContain('Side by side');
    expect(text).toContain('axios-auth-refresh 5');
  }, 60_000);

  it('exits 1 when a refresh fails and requests with it', async () => {
    const out = capture();
    const result = await runDemo({ ...SMALL, sideBySide: 0, failTokenRequests: 1, console: out.console });
    expect(result.exitCode).toBe(1);
    const failed = CLIENT_NAMES.reduce((sum, name) => sum + (result.phases[2]?.clients[name].failed ?? 0), 0);
    expect(failed).toBeGreaterThan(0);
    expect(result.problems.some((problem) => problem.includes('failed request'))).toBe(true);
    expect(out.text()).toContain('problem(s)');
  }, 60_000);

  it('side by side: only tokvault rows can fail the run', () => {
    const row = (kind: ComparisonRow['kind'], failed: number, tokenRequests: number): ComparisonRow => ({
      contender: kind === 'tokvault' ? 'tokvault + axios' : 'a peer',
      kind,
      scenario: 'burst',
      requests: 10,
      tokenRequests,
      unauthorized: 10,
      failed,
    });
    expect(comparisonProblems([row('tokvault', 0, 1), row('peer', 9, 10)])).toEqual([]);
    expect(comparisonProblems([row('tokvault', 2, 1)])).toEqual([
      'tokvault + axios: 2 failed request(s) side by side (burst)',
    ]);
    expect(comparisonProblems([row('tokvault', 0, 2)])).toEqual([
      'tokvault + axios: 2 token requests side by side (burst), expected 1',
    ]);
  });

  it('fails a run in which an expiry cost more than one token request', () => {
    const client = {
      requests: 10,
      failed: 0,
      tokenRequests: 1,
      refreshes: 1,
      backgroundRefreshes: 0,
      unauthorized: 0,
      latenciesMs: [1],
    };
    const phase = (fetch: Partial<typeof client>): PhaseResult => ({
      title: 'expiry',
      expectedTokenRequests: 1,
      clients: { axios: client, ky: client, fetch: { ...client, ...fetch } },
    });
    expect(evaluate([phase({})], 3)).toEqual([]);
    // two refreshes for one expiry, or a refresh that made two token requests
    expect(evaluate([phase({ tokenRequests: 2, refreshes: 2 })], 4)).toEqual([
      'fetch: 2 token request(s) in "expiry", expected 1',
    ]);
    expect(evaluate([phase({ tokenRequests: 2 })], 4)).toEqual([
      'fetch: 2 token request(s) in "expiry", expected 1',
    ]);
    expect(evaluate([phase({})], 4)).toEqual(['the server counted 4 token requests, the clients 3']);
    // A background refresh ahead of the token's own expiry is one more expiry, paid once...
    expect(evaluate([phase({ tokenRequests: 2, refreshes: 2, backgroundRefreshes: 1 })], 4)).toEqual([]);
    // ...or the expiry's refresh joined it while it was in flight: one token request for both.
    expect(evaluate([phase({ backgroundRefreshes: 1 })], 3)).toEqual([]);
    // a background refresh does not excuse a second refresh started by the phase's requests
    expect(evaluate([phase({ tokenRequests: 3, refreshes: 3, backgroundRefreshes: 1 })], 5)).toEqual([
      'fetch: 3 token request(s) in "expiry", expected 1 (+ up to 1 background)',
    ]);
  });
});
