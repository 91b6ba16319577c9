'use strict';
/**
 * Pack smoke test, consumer side. Copied into a temporary project that installed the packed
 * tarballs, and loaded by both `esm.mjs` (import) and `cjs.cjs` (require), so the same checks run
 * through each module system. Plain JavaScript on purpose: this is what a consumer runs.
 *
 * A loopback server plays the authorization server (`POST /token` hands out tok-1, tok-2, ...)
 * and a protected API (`GET /api` accepts only the newest token). Each client adapter must
 * attach the token, and after a revocation retry one 401 through one refresh.
 */
const http = require('node:http');
const assert = require('node:assert/strict');

function startServer() {
  let issued = 0;
  let current;
  const calls = { token: 0, api: 0, unauthorised: 0 };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/token') {
      calls.token += 1;
      issued += 1;
      current = `tok-${issued}`;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ access_token: current, token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    if (req.url === '/api') {
      calls.api += 1;
      if (current !== undefined && req.headers.authorization === `Bearer ${current}`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      } else {
        calls.unauthorised += 1;
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
        res.end();
      }
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        base: `http://127.0.0.1:${port}`,
        calls,
        /** The server forgets the current token (as after a rotation elsewhere): the next request gets a 401. */
        revoke() {
          current = undefined;
        },
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

function fetchTokenFrom(base) {
  return async ({ signal }) => {
    const res = await fetch(`${base}/token`, { method: 'POST', signal });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    const body = await res.json();
    return { accessToken: body.access_token, tokenType: body.token_type, expiresIn: body.expires_in };
  };
}

/** Runs one client through: authorised request, revocation, one refresh, retried request. */
async function scenario(core, name, makeClient) {
  const server = await startServer();
  const vault = core.createTokenVault({ name: `smoke-${name}`, fetchToken: fetchTokenFrom(server.base) });
  const client = makeClient(vault, server.base);
  try {
    assert.equal(await client.get(), true, `${name}: first request`);
    assert.equal(server.calls.token, 1, `${name}: one token request before the revocation`);
    server.revoke();
    assert.equal(await client.get(), true, `${name}: request after the revocation`);
    assert.equal(server.calls.token, 2, `${name}: exactly one refresh after a 401`);
    assert.equal(server.calls.unauthorised, 1, `${name}: exactly one 401`);
    assert.equal(server.calls.api, 3, `${name}: the 401 was retried once`);
  } finally {
    client.dispose?.();
    await vault.close();
    await server.close();
  }
  return name;
}

async function checkCore(core, otherCore) {
  const server = await startServer();
  const vault = core.createTokenVault({ name: 'smoke-core', fetchToken: fetchTokenFrom(server.base) });
  try {
    const tokens = await Promise.all([vault.getToken(), vault.getToken(), vault.getToken()]);
    assert.equal(server.calls.token, 1, 'core: three concurrent getToken calls share one fetchToken');
    assert.ok(
      tokens.every((t) => t.accessToken === 'tok-1'),
      'core: every caller gets tok-1',
    );
    assert.equal(vault.peek()?.accessToken, 'tok-1', 'core: peek');
    assert.ok(!JSON.stringify(tokens[0]).includes('tok-1'), 'core: toJSON hides the access token');
  } finally {
    await vault.close();
    await server.close();
  }
  // Errors are instanceof-safe across the ESM and CJS builds (a dual-package consumer).
  const err = new otherCore.TokenRefreshError('boom', { retryable: false });
  assert.ok(err instanceof core.TokenRefreshError, 'core: TokenRefreshError instanceof across builds');
  assert.ok(err instanceof core.TokVaultError, 'core: TokVaultError instanceof across builds');
  return 'core';
}

/**
 * `@tokvault/msw` over real HTTP (its `listen()`, on the msw major this Node installed) serving
 * `@tokvault/core/oauth2`'s client-credentials source: the subpath export and the peer range.
 */
async function checkMockServer(core, oauth2, msw) {
  const auth = msw.createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: [{ clientId: 'smoke', clientSecret: 'smoke-secret' }],
  });
  const server = await auth.listen();
  const vault = core.createTokenVault({
    name: 'smoke-msw',
    fetchToken: oauth2.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'smoke',
      clientSecret: 'smoke-secret',
    }),
  });
  try {
    const [a, b] = await Promise.all([vault.getToken(), vault.getToken()]);
    assert.equal(a, b, 'msw: concurrent callers share one token');
    assert.equal(auth.stats.tokenRequests, 1, 'msw: one token request through clientCredentials');
    // One copy of the error classes per module system: the subpath entry throws the main entry's
    // class itself (the same prototype object), not a look-alike that passes only the brand check.
    const wrong = oauth2.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'smoke',
      clientSecret: 'wrong',
    });
    const err = await wrong({ signal: new AbortController().signal }).then(
      () => assert.fail('msw: a wrong client secret is refused'),
      (error) => error,
    );
    assert.equal(
      Object.getPrototypeOf(err),
      core.TokenRefreshError.prototype,
      'oauth2: throws the TokenRefreshError class of @tokvault/core itself',
    );
  } finally {
    await vault.close();
    await server.close();
  }
  return 'msw+oauth2';
}

/** The function each package is for; a renamed or missing export fails the smoke test. */
const MAIN_EXPORT = {
  core: 'createTokenVault',
  axios: 'attachTokenVault',
  ky: 'tokenVaultHooks',
  fetch: 'createAuthFetch',
  undici: 'tokenVaultInterceptor',
  msw: 'createMockAuthServer',
  redis: 'createRedisStore',
  browser: 'createBrowserStore',
};

/**
 * @param {Record<string, any>} mods the packages as this module system loaded them
 * @param {{ core: any, ky?: any, axios?: any }} other the same core through the other module system, and the client libraries
 */
async function runSmoke(mods, libs) {
  const done = [];
  for (const [name, mod] of Object.entries(mods)) {
    const main = MAIN_EXPORT[name];
    assert.ok(mod && Object.keys(mod).length > 0, `${name}: the module has exports`);
    if (main) assert.equal(typeof mod[main], 'function', `${name}: exports ${main}()`);
  }
  const { core } = mods;
  done.push(await checkCore(core, libs.otherCore));

  if (mods.axios) {
    const { attachTokenVault } = mods.axios;
    done.push(
      await scenario(core, 'axios', (vault, base) => {
        const instance = libs.axios.create({ baseURL: base });
        const detach = attachTokenVault(instance, vault);
        return { get: async () => (await instance.get('/api')).data.ok, dispose: detach };
      }),
    );
  }
  if (mods.ky) {
    const { tokenVaultHooks } = mods.ky;
    done.push(
      await scenario(core, `ky${libs.kyMajor}`, (vault, base) => {
        const api = libs.ky.create({ hooks: tokenVaultHooks(vault, { origins: [base] }) });
        return { get: async () => (await api.get(`${base}/api`).json()).ok };
      }),
    );
  }
  if (mods.fetch) {
    const { createAuthFetch } = mods.fetch;
    done.push(
      await scenario(core, 'fetch', (vault, base) => {
        const authFetch = createAuthFetch(vault, { origins: [base] });
        return { get: async () => (await (await authFetch(`${base}/api`)).json()).ok };
      }),
    );
  }
  if (mods.undici && libs.undici) {
    // As the global dispatcher: the global fetch (also the token source's own) and undici.request.
    const { tokenVaultInterceptor } = mods.undici;
    const { Agent, getGlobalDispatcher, setGlobalDispatcher, request } = libs.undici;
    for (const via of ['fetch', 'request']) {
      done.push(
        await scenario(core, `undici${libs.undiciMajor}-${via}`, (vault, base) => {
          const previous = getGlobalDispatcher();
          const agent = new Agent();
          setGlobalDispatcher(agent.compose(tokenVaultInterceptor(vault, { origins: [base] })));
          const get =
            via === 'fetch'
              ? async () => (await (await fetch(`${base}/api`)).json()).ok
              : async () => (await (await request(`${base}/api`)).body.json()).ok;
          return {
            get,
            dispose: () => {
              setGlobalDispatcher(previous);
              agent.close();
            },
          };
        }),
      );
    }
  }
  if (mods.msw && libs.oauth2) {
    done.push(await checkMockServer(core, libs.oauth2, mods.msw));
  }
  const importedOnly = Object.keys(mods).filter(
    (name) => !['core', 'axios', 'ky', 'fetch', 'undici', 'msw'].includes(name),
  );
  return { requests: done, importedOnly };
}

module.exports = { runSmoke };
