import { Readable } from 'node:stream';
import { TokenRefreshError, TokVaultError } from '@tokvault/core';
import {
  type AdapterContractFactory,
  type AdapterContractSetup,
  type ContractBody,
  classifyVaultError,
  readContractResponse,
  toFetchBody,
} from '@tokvault/testkit';
import type * as undici8 from 'undici';
import { tokenVaultInterceptor } from '../src/index.js';
import { connectTo } from './bridge.js';

/** Node's own `fetch`, taken before MSW patches the global one (the bridge uses the patched one). */
const nodeFetch = globalThis.fetch;

/**
 * `undici.request` bodies: strings, bytes and `Blob` as they are; `FormData` as undici's own
 * (undici rejects Node's built-in one); a Node stream for a web one.
 */
function toRequestBody(
  body: ContractBody | undefined,
  FormDataClass: typeof undici8.FormData,
): { body?: unknown; headers?: Record<string, string> } {
  if (!body) return {};
  switch (body.kind) {
    case 'formdata': {
      const form = new FormDataClass();
      for (const [name, value] of body.value) form.append(name, value as string);
      return { body: form };
    }
    case 'json':
      return { body: JSON.stringify(body.value), headers: { 'content-type': 'application/json' } };
    case 'urlencoded':
      return {
        body: body.value.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      };
    case 'stream':
      return { body: Readable.fromWeb(body.value as import('node:stream/web').ReadableStream) };
    default:
      return { body: body.value };
  }
}

/**
 * The contract's two clients for one undici major, both dialling the MSW bridge: `viaRequest`
 * (`undici.request` with undici's redirect interceptor composed after tokvault's) and `viaFetch`
 * (Node's own `fetch` with the composed agent as its dispatcher).
 */
export function undiciContractClients(
  undici: typeof undici8,
  bridge: { port: () => number },
): { viaRequest: AdapterContractFactory; viaFetch: AdapterContractFactory } {
  /**
   * A plain agent, and one with the interceptor plus, for `undici.request` (`follow`), undici's
   * redirect interceptor composed after it, as the package documents.
   */
  const agents = (setup: AdapterContractSetup, follow: boolean) => {
    const plain = new undici.Agent({ connect: connectTo(bridge.port) as never });
    const options = { origins: setup.origin, ...setup.adapterOptions };
    const redirect = follow ? [undici.interceptors.redirect({ maxRedirections: 20 })] : [];
    const authorized = plain.compose(tokenVaultInterceptor(setup.vault, options), ...redirect);
    return { plain, authorized };
  };
  /** Node's own fetch speaks the legacy handler API: undici 8 dispatchers need its wrapper (as `setGlobalDispatcher` does). */
  const forNodeFetch = (dispatcher: undici8.Dispatcher) =>
    'Dispatcher1Wrapper' in undici ? new undici.Dispatcher1Wrapper(dispatcher) : dispatcher;

  const viaRequest: AdapterContractFactory = (setup) => {
    const { plain, authorized } = agents(setup, true);
    const { baseUrl } = setup;
    return {
      httpErrors: 'resolve',
      async send({ method, url, body, signal, optOut }) {
        const { body: payload, headers } = toRequestBody(body, undici.FormData as typeof undici8.FormData);
        const response = await undici.request(new URL(url, baseUrl), {
          method,
          signal,
          headers,
          body: payload as string,
          dispatcher: optOut ? plain : authorized,
        });
        const type = String(response.headers['content-type'] ?? '');
        return {
          status: response.statusCode,
          body: type.includes('json') ? await response.body.json() : await response.body.text(),
        };
      },
      classify: (error, request) => classifyVaultError(error, request) ?? { kind: 'other', error },
      close: () => plain.close(),
    };
  };

  const viaFetch: AdapterContractFactory = (setup) => {
    const { plain, authorized } = agents(setup, false);
    const { baseUrl } = setup;
    const [plainFetch, authorizedFetch] = [forNodeFetch(plain), forNodeFetch(authorized)];
    return {
      httpErrors: 'resolve',
      async send({ method, url, body, signal, optOut }) {
        const response = await nodeFetch(new URL(url, baseUrl), {
          method,
          signal,
          ...toFetchBody(body),
          dispatcher: optOut ? plainFetch : authorizedFetch,
        } as RequestInit);
        return readContractResponse(response);
      },
      // fetch reports a dispatcher error as TypeError('fetch failed') with it as the cause.
      classify: (error, request) => {
        const cause = (error as { cause?: unknown }).cause;
        if (error instanceof TypeError && cause instanceof TokenRefreshError)
          return { kind: 'refresh', error: cause };
        // any other vault error (e.g. a bad formatHeader result) is the cause of fetch's TypeError
        if (error instanceof TypeError && cause instanceof TokVaultError)
          return { kind: 'other', error: cause };
        return classifyVaultError(error, request) ?? { kind: 'other', error };
      },
      close: () => plain.close(),
    };
  };

  return { viaRequest, viaFetch };
}
