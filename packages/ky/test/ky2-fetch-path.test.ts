/**
 * ky 2 sends each call through the `fetch` wrapper that the `init` hook sets (ahead of ky's
 * hooks): the resend goes through ky's own `fetch` option, hooks of the app see only the final
 * response, whichever side of ours they sit on, and ours are taken out of the call.
 */
import { tokenVaultHooks } from '@tokvault/ky';
import { API_BASE_URL, type EchoBody, useAdapterEnvironment } from '@tokvault/testkit';
import ky from 'ky';
import { describe, expect, it } from 'vitest';

const env = useAdapterEnvironment();

async function expiredSession() {
  const vault = env.createVault();
  await vault.getToken();
  env.auth.expireAll();
  return vault;
}

describe('ky 2: the fetch path', () => {
  it("the first send and the token retry both go through ky's `fetch` option", async () => {
    const vault = await expiredSession();
    const sent: string[] = [];
    const api = ky.create({
      baseUrl: API_BASE_URL,
      hooks: tokenVaultHooks(vault),
      fetch: (input, init) => {
        sent.push(input instanceof Request ? (input.headers.get('authorization') ?? 'none') : 'url');
        return globalThis.fetch(input, init);
      },
    });
    const body = (await api.get('echo?id=own-fetch').json()) as EchoBody;
    expect(body.authorization).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[0]).not.toBe(sent[1]); // the stale token, then the refreshed one
    expect(env.hitsOf('own-fetch')).toBe(2);
    expect(env.auth.stats.tokenRequests).toBe(2);
  });

  it("the app's afterResponse hooks, before and after ours, see only the final response", async () => {
    const vault = await expiredSession();
    const seen: string[] = [];
    const api = ky
      .create({
        baseUrl: API_BASE_URL,
        hooks: { afterResponse: [({ response }) => void seen.push(`before ${response.status}`)] },
      })
      .extend({ hooks: tokenVaultHooks(vault) })
      .extend({ hooks: { afterResponse: [({ response }) => void seen.push(`after ${response.status}`)] } });
    await api.get('echo?id=seen').json();
    expect(seen).toEqual(['before 200', 'after 200']);
    expect(env.hitsOf('seen')).toBe(2);
  });

  it("the app's beforeRequest and beforeRetry hooks still run; ours are out of the call (the header comes at fetch time)", async () => {
    const vault = env.createVault();
    const hooks = tokenVaultHooks(vault);
    const calls = { beforeRequest: 0, beforeRetry: 0, sawHeader: 0 };
    const api = ky.create({
      baseUrl: API_BASE_URL,
      retry: { limit: 1, delay: () => 0 },
      hooks: {
        ...hooks,
        beforeRequest: [
          ...hooks.beforeRequest,
          ({ request }) => {
            calls.beforeRequest++;
            if (request.headers.has('authorization')) calls.sawHeader++;
          },
        ],
        beforeRetry: [...hooks.beforeRetry, () => void calls.beforeRetry++],
      },
    });
    // a 401 after a 401: final; ky does not retry a 401, so no beforeRetry either
    await expect(api.get('always-401?id=own-hooks')).rejects.toMatchObject({ response: { status: 401 } });
    expect(calls).toEqual({ beforeRequest: 1, beforeRetry: 0, sawHeader: 0 });
    expect(env.hitsOf('own-hooks')).toBe(2);
  });
});
