/**
 * The contract's client factories for ky 2 (installed as `ky`) and ky 1.14 (alias `ky1`).
 */
import type { TokenVault } from '@tokvault/core';
import { type TokenVaultHooksOptions, tokenVaultHooks } from '@tokvault/ky';
import {
  type AdapterContractClient,
  type ContractRequest,
  classifyVaultError,
  readContractResponse,
} from '@tokvault/testkit';
import ky, { HTTPError } from 'ky';
import ky1, { HTTPError as HTTPError1 } from 'ky1';

const isAbsolute = (url: string) => /^[a-z][a-z\d+.-]*:/i.test(url);

function bodyOptions(body: ContractRequest['body']): { json?: unknown; body?: BodyInit } {
  if (!body) return {};
  return body.kind === 'json' ? { json: body.value } : { body: body.value as BodyInit };
}

function classify(error: unknown, request: ContractRequest) {
  const shared = classifyVaultError(error, request);
  if (shared) return shared;
  if (error instanceof HTTPError || error instanceof HTTPError1) {
    return { kind: 'http', status: error.response.status } as const;
  }
  return { kind: 'other', error } as const;
}

/** ky 2 with `baseUrl` (standard URL resolution; absolute URLs to other origins stay as they are). */
export function ky2Client(
  vault: TokenVault,
  baseUrl: string,
  options?: TokenVaultHooksOptions,
): AdapterContractClient {
  const api = ky.create({ baseUrl, hooks: tokenVaultHooks(vault, options) });
  return {
    httpErrors: 'reject',
    async send({ method, url, body, signal, optOut }) {
      const response = await api(url, {
        method,
        signal,
        ...bodyOptions(body),
        ...(optOut ? { context: { tokenVault: false } } : {}),
      });
      return readContractResponse(response);
    },
    classify,
  };
}

/**
 * ky 1 with `prefixUrl`: an absolute URL under it becomes relative; for any other absolute URL
 * (which ky 1 would prefix too) `prefixUrl` is cleared.
 */
export function ky1Client(
  vault: TokenVault,
  baseUrl: string,
  options?: TokenVaultHooksOptions,
): AdapterContractClient {
  const api = ky1.create({ prefixUrl: baseUrl, hooks: tokenVaultHooks(vault, options) });
  return {
    httpErrors: 'reject',
    async send({ method, url, body, signal, optOut }) {
      const under = url.startsWith(baseUrl);
      const response = await api(under ? url.slice(baseUrl.length) : url, {
        method,
        signal,
        ...(isAbsolute(url) && !under ? { prefixUrl: '' } : {}),
        ...bodyOptions(body),
        ...(optOut ? { context: { tokenVault: false } } : {}),
      });
      return readContractResponse(response);
    },
    classify,
  };
}
