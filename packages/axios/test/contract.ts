import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type AdapterContractFactory, classifyVaultError } from '@tokvault/testkit';
import axios, { type AxiosRequestConfig } from 'axios';
import { attachTokenVault } from '../src/index.js';
import type { AdapterName } from './support.js';

/** The adapter contract's client for axios with the named adapter. */
export function axiosContractClient(adapter: AdapterName): AdapterContractFactory {
  return ({ vault, baseUrl, adapterOptions }) => {
    const api = axios.create({ baseURL: baseUrl, adapter });
    const detach = attachTokenVault(api, vault, adapterOptions);
    return {
      httpErrors: 'reject',
      async send({ method, url, body, signal, optOut }) {
        // axios's http adapter takes Node streams, not web ReadableStreams.
        const data =
          body?.kind === 'stream' && adapter === 'http'
            ? Readable.fromWeb(body.value as WebReadableStream)
            : body?.value;
        const config: AxiosRequestConfig = { method, url, data, signal };
        if (optOut) config.tokenVault = false;
        if (body?.kind === 'string') config.headers = { 'Content-Type': 'text/plain;charset=utf-8' };
        // axios in Node labels FormData x-www-form-urlencoded unless told otherwise (its fetch
        // adapter then keeps that label); naming multipart lets it set the boundary itself.
        if (body?.kind === 'formdata') config.headers = { 'Content-Type': 'multipart/form-data' };
        const response = await api.request(config);
        return { status: response.status, body: response.data };
      },
      classify(error, request) {
        const vaultFailure = classifyVaultError(error, request);
        if (vaultFailure) return vaultFailure;
        if (axios.isCancel(error)) return { kind: 'abort' };
        if (axios.isAxiosError(error) && error.response)
          return { kind: 'http', status: error.response.status };
        return { kind: 'other', error };
      },
      close: detach,
    };
  };
}
