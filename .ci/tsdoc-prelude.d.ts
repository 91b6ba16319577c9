/**
 * What the reader brings to a TSDoc `@example` (docs/snippets.md, "Examples in the TSDoc"): the
 * values an example uses without declaring them. Only the TSDoc examples see these globals; a
 * Markdown snippet declares what it uses. A name whose type depends on the example's context
 * (the `response` of a client, the `options` of a helper) is `any`: the example still type-checks
 * everything it calls on the package.
 */
import type { Dpop, FetchToken, TokenStore, TokenVault } from '@tokvault/core';
import type { MockAuthServer } from '@tokvault/msw';

declare global {
  /** The app's vault. */
  const vault: TokenVault;
  /** Another vault (a user's). */
  const userVault: TokenVault;
  /** A token store. */
  const store: TokenStore;
  /** The vault's `fetchToken`. */
  const fetchToken: FetchToken;
  /** The app's DPoP key (`createDpop()`). */
  const dpop: Dpop;
  /** A signal of the caller. */
  const signal: AbortSignal;
  /** The mock authorization server of `@tokvault/msw` (with `dpop` on). */
  const auth: MockAuthServer & { dpop: NonNullable<MockAuthServer['dpop']> };
  /** OAuth 2.0 settings of the app. */
  const tokenUrl: string;
  const issuer: string;
  const clientId: string;
  const clientSecret: string;
  const refreshToken: string;
  const redirectUri: string;
  const privateKey: string;
  const pem: string;
  const audience: string;
  const callbackUrl: string;
  const codeChallenge: string;
  /** A caught error. */
  const error: unknown;
  /** The app's logger and metrics. */
  const log: {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
  const logger: typeof log;
  const metrics: { increment(name: string, tags?: Record<string, string>): void };
  /** The app's own functions. */
  function alertOps(): void;
  function logout(): Promise<void>;
  function save(refreshToken: string): void;
  function persist(value: unknown): Promise<void>;
  function retryOnce(): void;
  /** Values whose type depends on the example's context. */
  // biome-ignore-start lint/suspicious/noExplicitAny: see above.
  let token: any;
  const client: any;
  const clients: any;
  const method: any;
  const body: any;
  const request: any;
  const response: any;
  const options: any;
  const resolved: any;
  const o: any;
  const url: any;
  const headers: any;
  const init: any;
  const instance: any;
  const api: any;
  const file: any;
  const session: any;
  const axiosError: any;
  // biome-ignore-end lint/suspicious/noExplicitAny: see above.
}
