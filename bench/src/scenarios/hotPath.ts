/**
 * Scenario 4, the hot path: `vault.getToken()` on a fresh cached token against an async
 * function that returns a constant, in the same run, rounds interleaved. Target: under 2x.
 */
import { createTokenVault, type Token } from '@tokvault/core';
import type { Progress } from '../report/progress.js';
import { median, nowMs } from '../stats.js';

/** Result of the hot-path scenario. */
export interface HotPathResult {
  opsPerRound: number;
  rounds: number;
  getTokenOpsPerSec: number;
  constantOpsPerSec: number;
  /** getToken time per op / constant time per op (median of per-round ratios). */
  ratio: number;
}

async function timeLoop(ops: number, call: () => Promise<Token>): Promise<number> {
  const started = nowMs();
  for (let i = 0; i < ops; i++) await call();
  return nowMs() - started;
}

/** Run the hot-path comparison. */
export async function runHotPath(
  opsPerRound: number,
  rounds: number,
  progress: Progress,
): Promise<HotPathResult> {
  const vault = createTokenVault({
    name: 'bench-hot-path',
    fetchToken: async () => ({ accessToken: 'hot-path-token', expiresIn: 3600 }),
  });
  try {
    const token = await vault.getToken();
    const constant = async (): Promise<Token> => token;
    const getToken = () => vault.getToken();
    // Warm both paths so the JIT has compiled them before timing.
    await timeLoop(Math.min(opsPerRound, 50_000), getToken);
    await timeLoop(Math.min(opsPerRound, 50_000), constant);
    const vaultMs: number[] = [];
    const constantMs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      progress.update('hot path · getToken() vs async constant', round + 1, rounds);
      // Alternate the order so neither side always runs first.
      let v: number;
      let c: number;
      if (round % 2 === 0) {
        v = await timeLoop(opsPerRound, getToken);
        c = await timeLoop(opsPerRound, constant);
      } else {
        c = await timeLoop(opsPerRound, constant);
        v = await timeLoop(opsPerRound, getToken);
      }
      vaultMs.push(v);
      constantMs.push(c);
      ratios.push(v / c);
    }
    return {
      opsPerRound,
      rounds,
      getTokenOpsPerSec: (opsPerRound / median(vaultMs)) * 1000,
      constantOpsPerSec: (opsPerRound / median(constantMs)) * 1000,
      ratio: median(ratios),
    };
  } finally {
    await vault.close();
  }
}
