/**
 * Process lifetime: a caller waiting for a refresh keeps the process alive until it settles
 * (backoff sleeps included); a refresh nobody waits for never does.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = fileURLToPath(new URL('./fixtures/backoffCli.ts', import.meta.url));

/** Run a script with Node + tsx; kill it if it has not exited after `limitMs` (a hang, not a duration check). */
function run(script: string, limitMs = 60_000) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), limitMs);
      child.once('exit', (code, signal) => {
        clearTimeout(kill);
        resolve({ code, signal, out, err });
      });
    },
  );
}

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.restoreAllMocks();
});

describe('process lifetime', () => {
  it('a CLI whose token endpoint failed once waits through the backoff, prints its token and exits 0', async () => {
    const result = await run(CLI);
    expect(result.err).toBe('');
    expect(result.out).toBe('token type: Bearer after 2 calls\n');
    expect(result).toMatchObject({ code: 0, signal: null });
  }, 90_000);

  it('a refresh keeps the process alive while someone waits for it, and not once its last waiter left', async () => {
    let time = 0;
    const source = controlledSource();
    const vault = createTokenVault({ fetchToken: source.fetchToken, now: () => time });
    vaults.push(vault);
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const lastTimer = () => setTimeoutSpy.mock.results.at(-1)?.value as NodeJS.Timeout;

    const first = vault.getToken();
    const timeout = lastTimer(); // the refresh timeout: the one timer a refresh holds
    expect(timeout.hasRef()).toBe(true);
    source.last().resolve({ accessToken: 'token-1', expiresIn: 3_600 });
    await first;
    await flush();
    expect(timeout.hasRef()).toBe(false);

    // A background refresh (soft window) nobody waits for: unref'd.
    time = 3_500_000;
    await vault.getToken();
    const background = lastTimer();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(background.hasRef()).toBe(false);
    // Two callers join it: ref'd until the last one detaches.
    const a = new AbortController();
    const b = new AbortController();
    const joined = [vault.refresh({ signal: a.signal }), vault.refresh({ signal: b.signal })];
    for (const call of joined) call.catch(() => {});
    expect(background.hasRef()).toBe(true);
    a.abort();
    await flush();
    expect(background.hasRef()).toBe(true);
    b.abort();
    await flush();
    expect(background.hasRef()).toBe(false);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
  });
});
