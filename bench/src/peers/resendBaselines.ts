/**
 * Scenario 6's second reference, the "resend baseline": each client, hand-written, sends every
 * request with the token it holds and, on a 401, resends it ONCE with a new token, requested
 * once for the whole client (one shared promise, started by the first 401). No library: the least
 * work any correct library must do after a revocation (every request sent twice, one token call).
 */
import axios from 'axios';
import ky from 'ky';
import { Agent, request } from 'undici';
import { type ContenderEnv, type ContenderSpec, KY_TIMEOUT_MS } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** The token held from creation (revoked before the burst) and the one new token, requested once. */
async function tokens(env: ContenderEnv) {
  const held = `Bearer ${(await requestToken(env)).accessToken}`;
  let fresh: Promise<string> | undefined;
  return {
    held,
    fresh: () => (fresh ??= requestToken(env).then((token) => `Bearer ${token.accessToken}`)),
  };
}

const setup = (client: string) =>
  `${client} with the token held before the revocation; on a 401, one resend with a new token (one token request for all, no library).`;

/**
 * `get` of a client that rejects a 401 (axios, ky): on that rejection, one resend with the new token.
 */
function resendOnRejection(
  t: Awaited<ReturnType<typeof tokens>>,
  send: (path: string, authorization: string) => Promise<unknown>,
): (path: string) => Promise<boolean> {
  return async (path) => {
    try {
      await send(path, t.held).catch(async (error: { response?: { status?: number } }) => {
        if (error?.response?.status !== 401) throw error;
        return send(path, await t.fresh());
      });
      return true;
    } catch {
      return false;
    }
  };
}

/** fetch, resent by hand. */
export const fetchResend: ContenderSpec = {
  id: 'fetch-resend',
  label: 'fetch, resend by hand',
  client: 'fetch',
  kind: 'baseline',
  setup: setup('`fetch(url, { headers: { Authorization } })`'),
  async create(env) {
    const t = await tokens(env);
    const send = (path: string, authorization: string) =>
      fetch(`${env.apiUrl}${path}`, { headers: { authorization } });
    return {
      async get(path) {
        try {
          let response = await send(path, t.held);
          if (response.status === 401) {
            await response.arrayBuffer();
            response = await send(path, await t.fresh());
          }
          await response.arrayBuffer();
          return response.ok;
        } catch {
          return false;
        }
      },
      async close() {},
    };
  },
};

/** undici (`request`), resent by hand. */
export const undiciResend: ContenderSpec = {
  id: 'undici-resend',
  label: 'undici, resend by hand',
  client: 'undici',
  kind: 'baseline',
  setup: setup('`undici.request(url, { dispatcher: new Agent(), headers: { authorization } })`'),
  async create(env) {
    const t = await tokens(env);
    const dispatcher = new Agent();
    const send = async (path: string, authorization: string) => {
      const { statusCode, body } = await request(`${env.apiUrl}${path}`, {
        dispatcher,
        headers: { authorization },
      });
      await body.dump();
      return statusCode;
    };
    return {
      async get(path) {
        try {
          let status = await send(path, t.held);
          if (status === 401) status = await send(path, await t.fresh());
          return status >= 200 && status < 300;
        } catch {
          return false;
        }
      },
      close: () => dispatcher.close(),
    };
  },
};

/** axios, resent by hand (axios rejects the 401). */
export const axiosResend: ContenderSpec = {
  id: 'axios-resend',
  label: 'axios, resend by hand',
  client: 'axios',
  kind: 'baseline',
  setup: setup('`axios.create({ baseURL })`, the header per request'),
  async create(env) {
    const t = await tokens(env);
    const instance = axios.create({ baseURL: env.apiUrl });
    const send = (path: string, Authorization: string) => instance.get(path, { headers: { Authorization } });
    return {
      get: resendOnRejection(t, send),
      async close() {},
    };
  },
};

/** ky, resent by hand (ky throws an `HTTPError` for the 401). */
export const kyResend: ContenderSpec = {
  id: 'ky-resend',
  label: 'ky, resend by hand',
  client: 'ky',
  kind: 'baseline',
  setup: setup('`ky.create({ prefix, timeout: 60_000 })`, the header per request'),
  async create(env) {
    const t = await tokens(env);
    const api = ky.create({ prefix: env.apiUrl, timeout: KY_TIMEOUT_MS });
    const send = (path: string, authorization: string) =>
      api.get(path.slice(1), { headers: { authorization } }).arrayBuffer();
    return {
      get: resendOnRejection(t, send),
      async close() {},
    };
  },
};

/** Scenario 6's resend baselines, one per client. */
export const RESEND_BASELINES: readonly ContenderSpec[] = [axiosResend, kyResend, fetchResend, undiciResend];
