/**
 * A logout wins over a refresh that was running in another tab: `delete` bumps a generation
 * that `lock.set` checks inside its write transaction, so the refreshed token is NOT stored
 * (which would sign every tab back in) and the refresh fails with a non-retryable error.
 */
import { type StoredToken, TokenRefreshError } from '@tokvault/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tabs } from './support.js';

const token = (accessToken: string): StoredToken => ({ accessToken, tokenType: 'Bearer', refreshToken: 'r' });
let group: ReturnType<typeof tabs>;

afterEach(() => group.closeAll());

for (const fallback of [false, true]) {
  describe(fallback ? 'IndexedDB lease fallback' : 'Web Locks', () => {
    it('a delete during a refresh makes its lock.set refuse to write', async () => {
      group = tabs(fallback ? { locks: null } : {});
      const refreshing = group.open();
      const other = group.open();
      await refreshing.withLock('k', (lock) => lock.set(token('before-logout')));
      const seen: Array<string | undefined> = [];
      other.subscribe('k', (value) => seen.push(value?.accessToken));

      const result = refreshing.withLock('k', async (lock) => {
        await other.delete('k'); // the user signs out in another tab meanwhile
        await lock.set(token('after-logout'));
      });
      const error: unknown = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ code: 'token_deleted', retryable: false });
      expect(await other.get('k')).toBeUndefined();
      expect(await refreshing.get('k')).toBeUndefined();
      await expect.poll(() => seen.at(-1), { timeout: 2_000 }).toBeUndefined();
      expect(seen).not.toContain('after-logout');
      // A refresh that starts after the logout stores its token normally.
      await refreshing.withLock('k', (lock) => lock.set(token('signed-in-again')));
      expect((await other.get('k'))?.accessToken).toBe('signed-in-again');
    });
  });
}
