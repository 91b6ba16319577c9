import axios, { CanceledError } from 'axios';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, createApi, useMockApi, useVaults } from './support.js';

const { auth, seen } = useMockApi();
// Aborts during a refresh (both phases) are in the adapter contract (contract.test.ts).
const createVault = useVaults();

function expectCanceled(error: unknown): void {
  expect(axios.isCancel(error)).toBe(true);
  expect(error).toBeInstanceOf(CanceledError);
}

describe.each(ADAPTERS)('abort (%s adapter)', (adapter) => {
  it('an already aborted signal rejects with CanceledError without asking the vault', async () => {
    const api = createApi(adapter);
    attachTokenVault(api, createVault());

    expectCanceled(await api.get('/a', { signal: AbortSignal.abort() }).catch((e: unknown) => e));
    expect(auth.stats.tokenRequests).toBe(0);
    expect(seen).toHaveLength(0);
  });
});
