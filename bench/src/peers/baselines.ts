/**
 * The reference for steady-state overhead: each client with a static `Authorization` header,
 * no refresh logic at all. The token is fetched once at creation.
 */
import axios from 'axios';
import ky from 'ky';
import { Agent } from 'undici';
import { type ContenderSpec, KY_TIMEOUT_MS, settle, settleFetch, settleUndici } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** axios with a fixed header. */
export const axiosStatic: ContenderSpec = {
  id: 'axios-static',
  label: 'axios, static header',
  client: 'axios',
  kind: 'baseline',
  setup: '`axios.create({ baseURL, headers: { Authorization } })` with a token fetched once.',
  async create(env) {
    const { accessToken } = await requestToken(env);
    const instance = axios.create({
      baseURL: env.apiUrl,
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    return { get: (path) => settle(instance.get(path)), async close() {} };
  },
};

/** ky with a fixed header. */
export const kyStatic: ContenderSpec = {
  id: 'ky-static',
  label: 'ky, static header',
  client: 'ky',
  kind: 'baseline',
  setup: '`ky.create({ prefix, timeout: 60_000, headers: { Authorization } })` with a token fetched once.',
  async create(env) {
    const { accessToken } = await requestToken(env);
    const api = ky.create({
      prefix: env.apiUrl,
      timeout: KY_TIMEOUT_MS,
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    return { get: (path) => settle(api.get(path.slice(1)).arrayBuffer()), async close() {} };
  },
};

/** fetch with a fixed header. */
export const fetchStatic: ContenderSpec = {
  id: 'fetch-static',
  label: 'fetch, static header',
  client: 'fetch',
  kind: 'baseline',
  setup: '`fetch(url, { headers: { Authorization } })` with a token fetched once.',
  async create(env) {
    const { accessToken } = await requestToken(env);
    const headers = { Authorization: `Bearer ${accessToken}` };
    return { get: (path) => settleFetch(fetch(`${env.apiUrl}${path}`, { headers })), async close() {} };
  },
};

/** undici (`request`) with a fixed header. */
export const undiciStatic: ContenderSpec = {
  id: 'undici-static',
  label: 'undici, static header',
  client: 'undici',
  kind: 'baseline',
  setup:
    '`undici.request(url, { dispatcher: new Agent(), headers: { authorization } })` with a token fetched once.',
  async create(env) {
    const { accessToken } = await requestToken(env);
    const dispatcher = new Agent();
    const headers = { authorization: `Bearer ${accessToken}` };
    return {
      get: (path) => settleUndici(`${env.apiUrl}${path}`, { dispatcher, headers }),
      close: () => dispatcher.close(),
    };
  },
};
