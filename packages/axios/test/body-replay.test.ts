import type { AxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, type AdapterName, createApi, type Seen, useMockApi, useVaults } from './support.js';

const { auth, seen } = useMockApi();
const createVault = useVaults();
// Every body kind's replay is in the adapter contract; these are the axios-specific cases:
// transforms, Node Buffers, typed Blobs and FormData with axios's own multipart handling.

/** An instance whose server-side token has just expired: the next request 401s once. */
async function expiredApi(adapter: AdapterName) {
  const api = createApi(adapter);
  attachTokenVault(api, createVault());
  await api.get('/warm-up');
  auth.expireAll();
  seen.length = 0;
  return api;
}

/** Multipart bodies differ only by their random boundary; compare them without it. */
function withoutBoundary({ contentType, body }: Seen): { contentType: string; body: string } {
  const boundary = body.slice(2, body.indexOf('\r\n')); // the first line is `--<boundary>`
  return { contentType: (contentType ?? '').replace(boundary, 'B'), body: body.split(boundary).join('B') };
}

const form = () => {
  const data = new FormData();
  data.append('name', 'tokvault');
  data.append('file', new Blob(['file-bytes'], { type: 'text/plain' }), 'a.txt');
  return data;
};

const kinds: Array<[string, () => unknown, AxiosRequestConfig, string | undefined, string]> = [
  // axios's fetch adapter in Node labels Blob and FormData bodies x-www-form-urlencoded (its own
  // behaviour, retry or not), so for those only "same as the first attempt" is asserted.
  ['a typed Blob', () => new Blob(['blob-bytes'], { type: 'image/png' }), {}, undefined, 'blob-bytes'],
  [
    'a Buffer',
    () => Buffer.from('buffer-bytes'),
    { headers: { 'Content-Type': 'application/octet-stream' } },
    'application/octet-stream',
    'buffer-bytes',
  ],
  [
    'a JSON object through a non-idempotent transformRequest',
    () => ({ a: 1 }),
    {
      transformRequest: [(data: unknown) => JSON.stringify({ envelope: data })],
      headers: { 'Content-Type': 'application/json' },
    },
    'application/json',
    '{"envelope":{"a":1}}',
  ],
];

describe.each(ADAPTERS)('body replay (%s adapter)', (adapter) => {
  it.each(kinds)('%s is sent intact on the retry', async (_kind, data, config, contentType, body) => {
    const api = await expiredApi(adapter);

    const headers = { ...(config.headers as Record<string, string>), 'X-Trace': 'kept' };
    await expect(api.post('/upload', data(), { ...config, headers })).resolves.toMatchObject({ status: 200 });

    expect(seen).toHaveLength(2);
    expect(seen[0]?.authorization).not.toBe(seen[1]?.authorization);
    for (const attempt of seen) {
      expect(attempt.headers['x-trace']).toBe('kept');
      expect(attempt.contentType).toBe(seen[0]?.contentType);
      expect(attempt.body).toBe(body);
    }
    if (contentType) expect(seen[0]?.contentType).toContain(contentType);
    else if (adapter === 'http') expect(seen[0]?.contentType).toBe('image/png');
  });

  it('FormData is sent intact on the retry', async () => {
    const api = await expiredApi(adapter);

    await expect(api.post('/upload', form())).resolves.toMatchObject({ status: 200 });

    expect(seen).toHaveLength(2);
    const [first, second] = seen.map(withoutBoundary);
    if (adapter === 'http') expect(first?.contentType).toContain('multipart/form-data');
    expect(first?.body).toContain('tokvault');
    expect(first?.body).toContain('file-bytes');
    expect(second).toEqual(first);
  });
});
