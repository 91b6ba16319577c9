/**
 * Secrets stay secret (issue 13, item 2): a request whose refresh failed rejects with the
 * vault's `TokenRefreshError`, which (like the events) shows no secret in any rendering, through
 * `undici.request` and through Node's `fetch` (which wraps it as the cause of its `TypeError`).
 */
import { checkAdapterKeepsSecrets } from '@tokvault/testkit';
import { Agent, Dispatcher1Wrapper, request } from 'undici';
import { it } from 'vitest';
import { tokenVaultInterceptor } from '../src/index.js';

it('undici.request: a request whose refresh failed rejects with an error that shows no secret (property)', () =>
  checkAdapterKeepsSecrets(async (vault, apiUrl) => {
    const agent = new Agent();
    try {
      await request(`${apiUrl}/me`, {
        dispatcher: agent.compose(tokenVaultInterceptor(vault, { origins: apiUrl })),
      });
    } finally {
      await agent.close();
    }
  }));

it("fetch: the refresh error fetch's TypeError carries shows no secret (property)", () =>
  checkAdapterKeepsSecrets(async (vault, apiUrl) => {
    const agent = new Agent();
    const dispatcher = new Dispatcher1Wrapper(
      agent.compose(tokenVaultInterceptor(vault, { origins: apiUrl })),
    );
    try {
      await fetch(`${apiUrl}/me`, { dispatcher } as RequestInit);
    } catch (error) {
      // Node's fetch reports a dispatcher error as TypeError('fetch failed') with it as the cause.
      throw (error as { cause?: unknown }).cause ?? error;
    } finally {
      await agent.close();
    }
  }));
