/**
 * Where the token goes: the base of each request (ky 2 `prefix`/`baseUrl`, ky 1 `prefixUrl`),
 * `origins`, nothing without either; and the option checks. The shared options themselves
 * (origins, statusCodes, shouldRefresh, header, formatHeader, opt-out) are in the adapter contract.
 */
import { type TokenVaultContext, tokenVaultHooks } from '@tokvault/ky';
import { API_BASE_URL, API_ORIGIN, OTHER_ORIGIN, useAdapterEnvironment } from '@tokvault/testkit';
import ky from 'ky';
import ky1 from 'ky1';
import { afterEach, describe, expect, it, vi } from 'vitest';

const env = useAdapterEnvironment();
const echo = (base: string) => `${base}echo?id=o`;

describe('default origin: the base of each request', () => {
  it('ky 2 `prefix` gives its origin the token', async () => {
    const api = ky.create({ prefix: API_BASE_URL, hooks: tokenVaultHooks(env.createVault()) });
    expect(await api.get('echo').json()).toMatchObject({ authorization: true });
  });

  it('ky 2 `baseUrl`: a relative path gets the token, an absolute URL to another origin does not', async () => {
    const api = ky.create({ baseUrl: API_BASE_URL, hooks: tokenVaultHooks(env.createVault()) });
    expect(await api.get('echo').json()).toMatchObject({ authorization: true });
    expect(await api.get(`${OTHER_ORIGIN}/echo`).json()).toMatchObject({ authorization: false });
  });

  it('ky 1 `prefixUrl` gives its origin the token', async () => {
    const api = ky1.create({ prefixUrl: API_BASE_URL, hooks: tokenVaultHooks(env.createVault()) });
    expect(await api.get('echo').json()).toMatchObject({ authorization: true });
  });

  it.each([
    ['ky 2', ky],
    ['ky 1', ky1],
  ] as const)('%s: no base and no `origins` -> sent without a token, never refreshed', async (_, client) => {
    const api = client.create({ hooks: tokenVaultHooks(env.createVault()) });
    const response = await api.get(echo(API_BASE_URL), { throwHttpErrors: false });
    expect(response.status).toBe(401);
    expect(env.hits).toEqual([{ id: 'o', authorization: null }]);
    expect(env.auth.stats.tokenRequests).toBe(0);
  });
});

describe('no base and no `origins`', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it.each([
    ['ky 2', ky],
    ['ky 1', ky1],
  ] as const)(
    "%s in a browser: the page's origin gets the token, other origins do not",
    async (_, client) => {
      vi.stubGlobal('location', new URL(`${API_ORIGIN}/app/page.html`));
      const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const api = client.create({ hooks: tokenVaultHooks(env.createVault()) });
      expect(await api.get(echo(API_BASE_URL)).json()).toMatchObject({ authorization: true });
      expect(await api.get(`${OTHER_ORIGIN}/echo`).json()).toMatchObject({ authorization: false });
      expect(warning).not.toHaveBeenCalled(); // the page allows an origin: nothing to warn about
    },
  );

  it.each([
    ['ky 2', ky],
    ['ky 1', ky1],
  ] as const)(
    '%s in Node: the first request sent without a token warns once, naming `origins`',
    async (_, client) => {
      const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const hooks = tokenVaultHooks(env.createVault());
      const api = client.create({ hooks });
      const other = client.create({ hooks: tokenVaultHooks(env.createVault()) });
      const context: TokenVaultContext = { tokenVault: false };
      await api.get(echo(API_BASE_URL), { context, throwHttpErrors: false }); // opted out: no warning
      expect(warning).not.toHaveBeenCalled();
      await api.get(`${echo(API_BASE_URL)}&secret=q`, { throwHttpErrors: false });
      await api.get(echo(API_BASE_URL), { throwHttpErrors: false });
      await ky.create({ hooks }).get(`${OTHER_ORIGIN}/echo`);
      expect(warning).toHaveBeenCalledTimes(1); // once per hooks object
      const [message, options] = warning.mock.calls[0] as [string, { code: string }];
      expect(message).toMatch(
        /tokenVaultHooks: a request to https:\/\/api\.contract\.test was sent without a token/,
      );
      expect(message).toContain(`pass origins: '${API_ORIGIN}'`);
      expect(message).not.toContain('secret'); // the origin only, never the path or query
      expect(options).toEqual({ code: 'TOKVAULT_NO_ORIGINS' });
      await other.get(`${OTHER_ORIGIN}/echo`);
      expect(warning).toHaveBeenCalledTimes(2); // another hooks object warns for itself
      expect(env.auth.stats.tokenRequests).toBe(0);
    },
  );

  it('a base or `origins` means no warning, even for a request outside them', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    await ky
      .create({ baseUrl: API_BASE_URL, hooks: tokenVaultHooks(env.createVault()) })
      .get(`${OTHER_ORIGIN}/echo`);
    await ky
      .create({ hooks: tokenVaultHooks(env.createVault(), { origins: API_ORIGIN }) })
      .get(`${OTHER_ORIGIN}/echo`);
    expect(warning).not.toHaveBeenCalled();
  });
});

describe('`origins`', () => {
  it('authorises listed origins without a base, and only them', async () => {
    const api = ky.create({ hooks: tokenVaultHooks(env.createVault(), { origins: [API_ORIGIN] }) });
    expect(await api.get(echo(API_BASE_URL)).json()).toMatchObject({ authorization: true });
    expect(await api.get(`${OTHER_ORIGIN}/echo`).json()).toMatchObject({ authorization: false });
  });
});

describe('options', () => {
  it('a value that is not a TokenVault -> TypeError naming "vault"', () => {
    expect(() => tokenVaultHooks(undefined as never)).toThrow(
      new TypeError('tokenVaultHooks: "vault" must be a TokenVault from createTokenVault()'),
    );
  });

  it.each([
    [{ origins: 'not a url' }, 'origins'],
    [{ origins: [] }, 'origins'],
    [{ statusCodes: [1000] }, 'statusCodes'],
    [{ header: 'bad header' }, 'header'],
    [{ formatHeader: 'Bearer' }, 'formatHeader'],
    [{ shouldRefresh: true }, 'shouldRefresh'],
    [{ fetch: 'fetch' }, 'fetch'],
  ])('invalid %o -> TypeError naming "%s"', (options, name) => {
    const vault = env.createVault();
    expect(() => tokenVaultHooks(vault, options as never)).toThrow(new RegExp(`option "${name}"`));
    expect(() => tokenVaultHooks(vault, options as never)).toThrow(TypeError);
  });
});
