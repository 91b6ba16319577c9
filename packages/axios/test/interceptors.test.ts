/**
 * The resend after a refresh is invisible to the app's interceptors: the caller gets exactly
 * what it would have got without a refresh, and interceptors added after `attachTokenVault`
 * run once per caller-visible request.
 */
import type { AxiosError, AxiosInstance } from 'axios';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, API, createApi as createAxios, useMockApi, useVaults } from './support.js';

const { auth, server, seen } = useMockApi();
const createVault = useVaults();

class AppError extends Error {
  constructor(override readonly cause: unknown) {
    super('app error');
  }
}

/** Interceptors before and after attach, each counting its calls. */
function equip(api: AxiosInstance) {
  const calls = {
    beforeRequest: 0,
    beforeResponse: 0,
    beforeError: 0,
    afterRequest: 0,
    afterResponse: 0,
    afterError: 0,
  };
  api.interceptors.request.use((config) => {
    calls.beforeRequest += 1;
    config.headers.set('X-Before', String(calls.beforeRequest));
    return config;
  });
  api.interceptors.response.use(
    (response) => {
      calls.beforeResponse += 1;
      return response;
    },
    (error) => {
      calls.beforeError += 1;
      return Promise.reject(error);
    },
  );
  attachTokenVault(api, createVault());
  api.interceptors.request.use((config) => {
    calls.afterRequest += 1;
    config.headers.set('X-After', String(calls.afterRequest));
    return config;
  });
  api.interceptors.response.use(
    (response) => {
      calls.afterResponse += 1;
      return response.data; // the common "return the body" interceptor
    },
    (error: AxiosError) => {
      calls.afterError += 1;
      return Promise.reject(new AppError(error)); // the common error mapper
    },
  );
  return calls;
}

// Current axios runs request interceptors in registration order; older 1.x (and
// `transitional.legacyInterceptorReqResOrdering`) in reverse: the resend must not care.
const cases = ADAPTERS.flatMap(
  (adapter) =>
    [
      [adapter, 'registration order', false],
      [adapter, 'legacy reverse order', true],
    ] as const,
);

describe.each(cases)(
  'the resend is invisible to the app interceptors (%s adapter, %s)',
  (adapter, _, legacy) => {
    const createApi = (name: typeof adapter) =>
      createAxios(name, { transitional: { legacyInterceptorReqResOrdering: legacy } });

    it('a refreshed request resolves with what it resolves with without a refresh; after-attach interceptors run once', async () => {
      const api = createApi(adapter);
      const calls = equip(api);
      const plain = await api.get('/me');
      expect(plain).toEqual({ ok: true, path: '/me' });

      auth.expireAll();
      seen.length = 0;
      for (const key of Object.keys(calls) as (keyof typeof calls)[]) calls[key] = 0;
      const refreshed = await api.get('/me');

      expect(refreshed).toEqual(plain);
      expect(auth.stats.tokenRequests).toBe(2);
      // request interceptors ran once (the resend is the request they built); after-attach
      // response interceptors once; before-attach ones sit below us: they saw the 401 and the resend
      expect(calls).toEqual({
        beforeRequest: 1,
        afterRequest: 1,
        beforeError: 1,
        beforeResponse: 1,
        afterResponse: 1,
        afterError: 0,
      });
      // both sends carried what every request interceptor set, and different tokens
      expect(seen.map((s) => [s.headers['x-before'], s.headers['x-after']])).toEqual([
        ['1', '1'],
        ['1', '1'],
      ]);
      expect(seen[0]?.authorization).not.toBe(seen[1]?.authorization);
    });

    it('a second 401 after the resend is mapped once by an after-attach error mapper', async () => {
      server.use(
        http.get(`${API}/always-401`, () =>
          HttpResponse.json(
            { error: 'invalid_token' },
            { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
          ),
        ),
      );
      const api = createApi(adapter);
      const calls = equip(api);
      const error = await api.get('/always-401').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AppError);
      const cause = (error as AppError).cause as AxiosError;
      expect(cause).not.toBeInstanceOf(AppError); // wrapped once, not twice
      expect(cause.response?.status).toBe(401);
      expect(cause.response?.data).toEqual({ error: 'invalid_token' }); // transformResponse applied
      expect(calls).toMatchObject({ beforeRequest: 1, afterRequest: 1, beforeError: 2, afterError: 1 });
      expect(auth.stats.tokenRequests).toBe(2);
    });
  },
);
