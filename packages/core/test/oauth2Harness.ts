/**
 * Runs the OAuth 2.0 source tests against the mock authorization server in both modes: MSW
 * handlers (`setupServer`) and real HTTP (`listen()`), one fresh server per test.
 */
import {
  createMockAuthServer,
  type MockAuthHttpServer,
  type MockAuthServer,
  type MockAuthServerOptions,
} from '@tokvault/msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { FetchTokenContext, Token } from '../src/index.js';

/** The transports the sources are tested over. */
export const MODES = ['msw', 'http'] as const;
/** One transport. */
export type Mode = (typeof MODES)[number];

/** The token URL of the MSW mode (HTTP mode serves the same path on loopback). */
export const TOKEN_URL = 'https://auth.oauth2.test/oauth/token';
/** Secrets used by the tests: none may ever appear in an error message. */
export const SECRET = 'cl1ent-s3cret!';

/** The clients every harness registers. */
export const CLIENTS: MockAuthServerOptions['clients'] = [
  { clientId: 'app', clientSecret: SECRET, scopes: ['read', 'write'] },
  { clientId: 'spa' },
  { clientId: 'cc-only', clientSecret: SECRET, grants: ['client_credentials'] },
];

/** What a test reads: the current server and its token URL. */
export interface Harness {
  readonly auth: MockAuthServer;
  readonly tokenUrl: string;
}

/** Install a fresh mock server per test in `mode`. */
export function useMockAuth(mode: Mode, options: Partial<MockAuthServerOptions> = {}): Harness {
  const server = mode === 'msw' ? setupServer() : undefined;
  let running: MockAuthHttpServer | undefined;
  const state = { auth: undefined as unknown as MockAuthServer, tokenUrl: TOKEN_URL };
  beforeAll(() => server?.listen({ onUnhandledFrame: 'error' }));
  beforeEach(async () => {
    state.auth = createMockAuthServer({ tokenUrl: TOKEN_URL, clients: CLIENTS, ...options });
    if (server) {
      server.resetHandlers(...state.auth.handlers);
      state.tokenUrl = TOKEN_URL;
    } else {
      running = await state.auth.listen();
      state.tokenUrl = running.tokenUrl;
    }
  });
  afterEach(async () => {
    vi.useRealTimers();
    await running?.close();
    running = undefined;
  });
  afterAll(() => server?.close());
  return state;
}

/** A `fetchToken` context as the vault builds it. */
export function context(
  previous?: Token,
  signal: AbortSignal = new AbortController().signal,
): FetchTokenContext {
  return { signal, reason: previous ? 'expired' : 'initial', previous };
}
