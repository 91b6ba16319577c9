import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLIENT_NAMES } from '../src/clients.js';
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

const SMALL = { tokenTtlMs: 3_000, burstSize: 6, burstsPerPhase: 2, jitterMs: 10, live: undefined };

describe('pnpm demo', () => {
  it('exits 0: no failure, one token request per client for the first token and for each expiry', async () => {
    const out = capture();
    const result = await runDemo({ ...SMALL, console: out.console });
    expect(result.problems).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.phases.map((phase) => phase.expectedTokenRequests)).toEqual([1, 0, 1, 1, 1]);
    for (const phase of result.phases) {
      for (const name of CLIENT_NAMES) {
        const { requests, failed, tokenRequests, backgroundRefreshes } = phase.clients[name];
        expect({ requests, failed }).toEqual({ requests: 12, failed: 0 });
        expect(tokenRequests).toBe(phase.expectedTokenRequests + backgroundRefreshes);
      }
    }
    // Server-side expiry: every request of the phase's first burst got a 401 and was retried once.
    for (const name of CLIENT_NAMES)
      expect(result.phases[2]?.clients[name].unauthorized).toBeGreaterThanOrEqual(6);
    // Lifetime expiry: the vault refreshed before sending, so the server refused nothing.
    for (const name of CLIENT_NAMES) expect(result.phases[3]?.clients[name].unauthorized).toBe(0);
    const background = result.phases.reduce(
      (sum, phase) =>
        sum + CLIENT_NAMES.reduce((inner, name) => inner + phase.clients[name].backgroundRefreshes, 0),
      0,
    );
    expect(result.serverTokenRequests).toBe(4 * CLIENT_NAMES.length + background);
    const text = out.text();
    for (const column of ['requests', 'token-endpoint calls', '401 retries', 'failures', 'p50', 'p99']) {
      expect(text).toContain(column);
    }
    expect(text).toContain('each of the 3 expiries cost exactly one token request per client');
  }, 60_000);

  it('exits 1 when a refresh fails and requests with it', async () => {
    const out = capture();
    const result = await runDemo({ ...SMALL, failTokenRequests: 1, console: out.console });
    expect(result.exitCode).toBe(1);
    const failed = CLIENT_NAMES.reduce((sum, name) => sum + (result.phases[2]?.clients[name].failed ?? 0), 0);
    expect(failed).toBeGreaterThan(0);
    expect(result.problems.some((problem) => problem.includes('failed request'))).toBe(true);
    expect(out.text()).toContain('problem(s)');
  }, 60_000);

  it('fails a run in which an expiry cost more than one token request', () => {
    const client = {
      requests: 10,
      failed: 0,
      tokenRequests: 1,
      backgroundRefreshes: 0,
      unauthorized: 0,
      latenciesMs: [1],
    };
    const phase = (tokenRequests: number): PhaseResult => ({
      title: 'expiry',
      expectedTokenRequests: 1,
      clients: { axios: client, ky: client, fetch: { ...client, tokenRequests } },
    });
    expect(evaluate([phase(1)], 3)).toEqual([]);
    expect(evaluate([phase(2)], 4)).toEqual(['fetch: 2 token request(s) in "expiry", expected 1']);
    expect(evaluate([phase(1)], 4)).toEqual(['the server counted 4 token requests, the clients 3']);
    // A background refresh ahead of the token's own expiry is one more expiry, paid once.
    const background = {
      ...phase(2),
      clients: { ...phase(2).clients, fetch: { ...client, tokenRequests: 2, backgroundRefreshes: 1 } },
    };
    expect(evaluate([background], 4)).toEqual([]);
  });
});
