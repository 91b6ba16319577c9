/** A closed store fails a vault's refresh like any store failure: a coded TokenRefreshError. */
import { createTokenVault, TokenRefreshError } from '@tokvault/core';
import { describe, expect, it } from 'vitest';
import { tabs } from './support.js';

describe('a closed browser store', () => {
  it("rejects a refresh's waiters with a TokenRefreshError (code store_closed, not retryable)", async () => {
    const store = tabs().open();
    store.close();
    const vault = createTokenVault({ store, fetchToken: async () => 'never-fetched', retry: false });
    const results = await Promise.allSettled([vault.getToken(), vault.refresh()]);
    for (const result of results) {
      const error = (result as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ code: 'store_closed', retryable: false });
    }
    await vault.close();
  });
});
