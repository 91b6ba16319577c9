/**
 * Scenario 5, memory: 1,000,000 requests' worth of vault traffic — a `getToken()` per request,
 * and every 100th request a 401: `refresh({ staleToken })` (a real refresh), a second stale
 * 401 for the same token (answered from the cache), and an event listener added and removed.
 * Heap growth is measured after forced garbage collection. Target: under 1 MB.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { createTokenVault } from '@tokvault/core';
import type { Progress } from '../report/progress.js';

/** Result of the memory scenario. */
export interface MemoryResult {
  requests: number;
  refreshes: number;
  tokenCalls: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  growthBytes: number;
}

/** `global.gc`, exposing it at run time when Node was started without `--expose-gc`. */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const REFRESH_EVERY = 100;

/** Run the memory scenario over `requests` simulated requests. */
export async function runMemory(requests: number, progress: Progress): Promise<MemoryResult> {
  const gc = exposeGc();
  let tokenCalls = 0;
  const vault = createTokenVault({
    name: 'bench-memory',
    fetchToken: async () => ({ accessToken: `memory-token-${++tokenCalls}`, expiresIn: 3600 }),
  });
  const noop = () => {};
  let refreshes = 0;
  const cycle = async (i: number) => {
    const token = await vault.getToken();
    if (i % REFRESH_EVERY === REFRESH_EVERY - 1) {
      const off = vault.on('refresh:success', noop);
      await vault.refresh({ staleToken: token });
      await vault.refresh({ staleToken: token });
      off();
      refreshes += 1;
    }
  };
  try {
    const warmup = Math.min(requests, 20_000);
    for (let i = 0; i < warmup; i++) await cycle(i);
    refreshes = 0;
    const callsBefore = tokenCalls;
    const heapBeforeBytes = await settledHeap(gc);
    const step = Math.max(1, Math.floor(requests / 20));
    for (let i = 0; i < requests; i++) {
      if (i % step === 0) progress.update('memory · getToken/refresh cycles', i, requests);
      await cycle(i);
    }
    const heapAfterBytes = await settledHeap(gc);
    return {
      requests,
      refreshes,
      tokenCalls: tokenCalls - callsBefore,
      heapBeforeBytes,
      heapAfterBytes,
      growthBytes: heapAfterBytes - heapBeforeBytes,
    };
  } finally {
    await vault.close();
  }
}
