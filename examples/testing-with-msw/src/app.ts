/**
 * The app under test: a signed-in user's API client. It calls the orders API through ky, with
 * tokvault keeping the access token fresh from the user's (rotating) refresh token.
 *
 * This is the part you would have in your own code base; `test/app.test.ts` shows how to test
 * it against `@tokvault/msw`.
 */
import { createTokenVault, TokenRefreshError } from '@tokvault/core';
import { refreshTokenGrant } from '@tokvault/core/oauth2';
import { tokenVaultHooks } from '@tokvault/ky';
import ky from 'ky';

/** An order, as the API returns it. */
export interface Order {
  id: number;
  item: string;
}

/** Where the app talks to and who the user is. */
export interface AppOptions {
  /** The API base URL, e.g. `https://api.example.com/v1/`. */
  apiUrl: string;
  /** The authorization server's token endpoint. */
  tokenUrl: string;
  /** The app's public OAuth client id. */
  clientId: string;
  /** The refresh token the user got at sign-in. */
  refreshToken: string;
  /** Persist a rotated refresh token (e.g. in secure storage). */
  saveRefreshToken?: (refreshToken: string) => void | Promise<void>;
}

/** The session is over (signed out, or the server refused the refresh token): sign in again. */
export class SignedOutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignedOutError';
  }
}

/** The app's API client. */
export interface App {
  /** The user's orders. */
  listOrders(): Promise<Order[]>;
  /** Place an order. */
  createOrder(item: string): Promise<Order>;
  /** Forget the tokens and stop; later calls reject with `SignedOutError`. Idempotent. */
  logout(): Promise<void>;
  /** Whether the session is over. */
  readonly signedOut: boolean;
}

/** Create the signed-in app client. */
export function createApp(options: AppOptions): App {
  let signedOut = false;
  const vault = createTokenVault({
    name: 'user-session',
    fetchToken: refreshTokenGrant({
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      refreshToken: options.refreshToken,
      onRefreshToken: options.saveRefreshToken,
    }),
  });
  const api = ky.create({ prefix: options.apiUrl, retry: 0, hooks: tokenVaultHooks(vault) });

  let loggingOut: Promise<void> | undefined;
  function logout(): Promise<void> {
    signedOut = true;
    loggingOut ??= vault.invalidate().then(() => vault.close());
    return loggingOut;
  }

  async function call<T>(request: () => Promise<T>): Promise<T> {
    if (signedOut) throw new SignedOutError('signed out');
    try {
      return await request();
    } catch (error) {
      // A final refresh failure (invalid_grant: revoked, expired or reused refresh token) ends
      // the session; transient ones (network, 5xx) were already retried by the vault.
      if (error instanceof TokenRefreshError && !error.retryable) {
        await logout();
        throw new SignedOutError('the session expired, sign in again', { cause: error });
      }
      throw error;
    }
  }

  return {
    listOrders: () => call(() => api.get('orders').json<Order[]>()),
    createOrder: (item) => call(() => api.post('orders', { json: { item } }).json<Order>()),
    logout,
    get signedOut() {
      return signedOut;
    },
  };
}
