/**
 * Whole-second expiry: oidc-provider truncates `iat`/`exp` to whole seconds, so a 3 s token
 * lives 2.0-3.0 s. The sources count `expires_in - 1` seconds, so the vault never hands out a
 * token the server already considers expired. Time is a fake `Date` shared by the vault and the
 * provider (same process), stepped in 50 ms ticks over 10 s: counts, not wall-clock durations.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault } from '../src/index.js';
import { clientCredentials } from '../src/oauth2.js';
import { MODES, SECRET, useMockAuth } from './oauth2Harness.js';
import { OP_SECRET, useOidcProvider } from './oidcHarness.js';

const h = useOidcProvider({ accessTokenTtl: 3 });
const client = { clientId: 'basic', clientSecret: OP_SECRET };

afterEach(() => {
  vi.useRealTimers();
});

describe('a 3 s whole-second token from oidc-provider', () => {
  it('is never sent expired: 0 inactive introspections over 10 s of 50 ms steps, 5 callers each', async () => {
    const vault = createTokenVault({
      fetchToken: clientCredentials({ issuer: h.op.issuer, ...client }),
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    // Start mid-second so issue times fall on many different fractions of a second.
    const start = (Math.floor(Date.now() / 1000) + 1) * 1000 + 370;
    let checked = 0;
    let expired = 0;
    for (let step = 0; step <= 200; step += 1) {
      vi.setSystemTime(start + step * 50);
      const tokens = await Promise.all(Array.from({ length: 5 }, () => vault.getToken()));
      const answers = await Promise.all(tokens.map((t) => h.op.introspect(t.accessToken, client)));
      checked += answers.length;
      expired += answers.filter((answer) => answer.active !== true).length;
    }
    vi.useRealTimers();
    await vault.close();
    expect(checked).toBe(1005);
    expect(expired).toBe(0);
    // About one token per usable 2 s: the vault kept refreshing (3-7 over 10 s), not once per call.
    expect(h.op.count('/token')).toBeGreaterThanOrEqual(4);
    expect(h.op.count('/token')).toBeLessThanOrEqual(8);
  });
});

describe.each(MODES)('a 3 s whole-second token from the mock (timing: realistic) over %s', (mode) => {
  const m = useMockAuth(mode, { timing: 'realistic', accessTokenTtlMs: 3000 });

  it('is never handed out expired: 0 of 1005 over 10 s of 50 ms steps', async () => {
    const vault = createTokenVault({
      fetchToken: clientCredentials({ tokenUrl: m.tokenUrl, clientId: 'app', clientSecret: SECRET }),
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = (Math.floor(Date.now() / 1000) + 1) * 1000 + 370;
    const statuses: string[] = [];
    for (let step = 0; step <= 200; step += 1) {
      vi.setSystemTime(start + step * 50);
      const tokens = await Promise.all(Array.from({ length: 5 }, () => vault.getToken()));
      for (const token of tokens) statuses.push(m.auth.introspect(token.accessToken)?.status ?? 'unknown');
    }
    vi.useRealTimers();
    await vault.close();
    expect(statuses).toHaveLength(1005);
    expect(statuses.filter((status) => status !== 'active')).toEqual([]);
  });
});
