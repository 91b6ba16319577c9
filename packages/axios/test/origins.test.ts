import axios from 'axios';
import { describe, expect, it, vi } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, API, createApi, OTHER, useMockApi, useVaults } from './support.js';

const { seen } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('origin rules (%s adapter)', (adapter) => {
  it('by default only the baseURL origin gets the token; an absolute URL elsewhere is sent untouched', async () => {
    const api = createApi(adapter, { baseURL: `${API}/v1/` });
    attachTokenVault(api, createVault());

    await api.get('items');
    await api.get(`${API}/absolute-same-origin`);
    await api.get(`${OTHER}/elsewhere`);

    expect(seen.map((s) => [s.path, s.authorization?.startsWith('Bearer ') ?? false])).toEqual([
      ['/v1/items', true],
      ['/absolute-same-origin', true],
      ['/elsewhere', false],
    ]);
  });

  it('judges the URL axios really sends to: allowAbsoluteUrls: false puts an absolute URL under baseURL', async () => {
    const api = createApi(adapter, { baseURL: `${API}/v1/`, allowAbsoluteUrls: false });
    attachTokenVault(api, createVault());

    await api.get(`${OTHER}/nested`);
    await api.get('');

    expect(seen.map((s) => [s.path, s.authorization?.startsWith('Bearer ') ?? false])).toEqual([
      ['/v1/https://other.example.com/nested', true],
      ['/v1/', true],
    ]);
  });

  it('explicit origins replace the baseURL default, with or without a baseURL', async () => {
    const other = axios.create({ adapter });
    attachTokenVault(other, createVault(), { origins: [OTHER] });
    const api = createApi(adapter);
    attachTokenVault(api, createVault(), { origins: OTHER });

    await other.get(`${OTHER}/listed`);
    await api.get(`${OTHER}/listed-too`);
    await api.get('/base-not-listed').catch(() => undefined);

    expect(seen.map((s) => s.authorization !== null)).toEqual([true, true, false]);
  });
});

describe('attach-time validation', () => {
  it('throws a TypeError explaining `origins` and `*` when the instance has no baseURL', () => {
    expect(() => attachTokenVault(axios.create(), createVault())).toThrowError(
      expect.objectContaining({
        name: 'TypeError',
        message: expect.stringMatching(/attachTokenVault: option "origins" is required.*'\*'/),
      }),
    );
  });

  it('resolves a relative baseURL against the page; without a page it requires `origins`', () => {
    const vault = createVault();
    expect(() => attachTokenVault(axios.create({ baseURL: '/api' }), vault)).toThrow(
      /option "origins" is required/,
    );
    vi.stubGlobal('location', new URL(`${API}/app/`));
    try {
      expect(attachTokenVault(axios.create({ baseURL: '/api' }), vault)).toBeTypeOf('function');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a relative baseURL in a browser: requests to the page origin get the token, others do not', async () => {
    vi.stubGlobal('location', new URL(`${API}/app/`));
    try {
      const api = axios.create({ baseURL: '/api' });
      // axios runs request interceptors last-added first: this one runs after ours, sees the
      // final headers and stops the request (Node cannot send a page-relative URL).
      const sent: unknown[] = [];
      api.interceptors.request.use((config) => {
        sent.push(config.headers.get('Authorization'));
        throw new Error('stop');
      });
      attachTokenVault(api, createVault());
      await api.get('/users').catch(() => undefined);
      await api.get(`${OTHER}/users`).catch(() => undefined);
      expect(sent).toEqual([expect.stringMatching(/^Bearer /), undefined]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('throws a TypeError naming the bad option, instance or vault', () => {
    const api = axios.create({ baseURL: API });
    const vault = createVault();
    expect(() => attachTokenVault(api, vault, { origins: 'not a url' })).toThrow(/option "origins"/);
    expect(() => attachTokenVault(api, vault, { statusCodes: [1000] })).toThrow(/option "statusCodes"/);
    expect(() => attachTokenVault(api, vault, { header: 'bad header' })).toThrow(/option "header"/);
    // axios sends through its own adapter: a `fetch` option would be ignored, so it is unknown
    expect(() => attachTokenVault(api, vault, { fetch: globalThis.fetch } as never)).toThrow(
      /attachTokenVault: unknown option "fetch" \(known: origins, statusCodes, shouldRefresh, header, formatHeader\)/,
    );
    // @ts-expect-error: a plain object is not an axios instance
    expect(() => attachTokenVault({}, vault)).toThrow(/"instance"/);
    // @ts-expect-error: a plain object is not a vault
    expect(() => attachTokenVault(api, {})).toThrow(/"vault"/);
  });
});
