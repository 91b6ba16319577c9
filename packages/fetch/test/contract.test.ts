import { createAuthFetch } from '@tokvault/fetch';
import {
  type AdapterContractFactory,
  type ContractRequest,
  classifyVaultError,
  describeAdapterContract,
  describeDpopContract,
  readContractResponse,
  toFetchBody,
} from '@tokvault/testkit';

const factory: AdapterContractFactory = ({ vault, baseUrl, origin, adapterOptions }) => {
  const authFetch = createAuthFetch(vault, { origins: origin, ...adapterOptions });
  return {
    httpErrors: 'resolve',
    async send({ method, url, body, signal, optOut }: ContractRequest) {
      const response = await authFetch(new URL(url, baseUrl), {
        method,
        signal,
        ...toFetchBody(body),
        ...(optOut ? { tokenVault: false } : {}),
      });
      return readContractResponse(response);
    },
    classify: (error, request) => classifyVaultError(error, request) ?? { kind: 'other', error },
  };
};

describeAdapterContract('fetch', factory);
describeDpopContract('fetch', factory);
