/**
 * The app's token plumbing: one vault named `api`, shared by every tab through
 * `createBrowserStore`, and a `fetchToken` that redeems the rotating refresh token.
 */

import { createBrowserStore } from '@tokvault/browser';
import { createTokenVault, type FetchToken, TokenRefreshError } from '@tokvault/core';
import ky from 'ky';

const CLIENT_ID = 'browser-ky-example';
const VAULT = 'api';
const clearOnLastTabClose = new URLSearchParams(location.search).has('clear-on-last-tab');

/** Shared by the tabs of this origin: IndexedDB copy, Web Locks, BroadcastChannel. */
export const store = createBrowserStore({ namespace: 'browser-ky-example', clearOnLastTabClose });

/** A refresh token from the sign-in step, redeemed by the next `fetchToken`. */
let signInToken: string | undefined;

/** The token endpoint, called without the vault hooks (its responses are never intercepted). */
const fetchToken: FetchToken = async ({ signal, previous }) => {
  // fetchToken runs under the cross-tab lock: the stored copy holds the newest refresh token
  // even if this tab missed a broadcast (a rotated token must never be redeemed twice).
  const stored = await store.get(VAULT);
  const refreshToken = signInToken ?? stored?.refreshToken ?? previous?.refreshToken;
  signInToken = undefined;
  if (!refreshToken)
    throw new TokenRefreshError('Not signed in', { retryable: false, code: 'login_required' });
  const response = await ky.post('/oauth/token', {
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: CLIENT_ID,
    }),
    signal,
    throwHttpErrors: false,
    retry: 0,
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
    throw new TokenRefreshError(`Token endpoint answered ${response.status} (${code})`, {
      retryable: response.status >= 500,
      code,
    });
  }
  return {
    accessToken: String(body.access_token),
    expiresIn: Number(body.expires_in),
    tokenType: String(body.token_type),
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
  };
};

/** The vault every request of this tab goes through. */
export const vault = createTokenVault({ name: VAULT, fetchToken, store });

/** Sign in: a real app gets its first refresh token from the authorization-code redirect. */
export async function signIn(): Promise<void> {
  const { refresh_token } = await ky.post('/demo/login').json<{ refresh_token: string }>();
  signInToken = refresh_token;
  await vault.refresh();
}
