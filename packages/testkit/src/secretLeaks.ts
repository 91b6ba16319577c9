/**
 * Checking that secrets stay secret in everything a user can print: every rendering of an error
 * (or an event payload) and every encoding a secret can take on the way.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, inspect } from 'node:util';
import { createTokenVault, type FetchToken, TokenRefreshError, type TokenVault } from '@tokvault/core';
import { refreshTokenGrant } from '@tokvault/core/oauth2';
import fc from 'fast-check';

/**
 * Secrets as users and servers make them: 12-40 characters with `+`, `/`, `=`, `%`, spaces and
 * unicode mixed in (`headerSafe`: visible ASCII only, as an access token sent in a header must be).
 */
export function secretArbitrary(headerSafe = false): fc.Arbitrary<string> {
  const special = fc.constantFrom('+', '/', '=', '%', '%2B', '&', '"', "'", '\\');
  const unit = headerSafe
    ? fc.oneof(special, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }))
    : fc.oneof(
        special,
        fc.constantFrom(' ', 'é', '€', '😀', 'ß', '\u00a0'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      );
  return fc
    .array(unit, { minLength: 6, maxLength: 20 })
    .map((parts) => `S${parts.join('')}`)
    .map((s) => (headerSafe ? s.replace(/[^\x21-\x7e]/g, 'x') : s))
    .filter((s) => s.length >= 12 && s.length <= 60 && s.trim() === s);
}

const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

function base64(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The ways `secret` can show up in a text: raw, form-encoded, percent-encoded (either case),
 * base64 and base64url (unpadded), JSON- and `util.inspect`-escaped, and as a Basic credential
 * of `clientId` (raw and form-encoded `id:secret`).
 */
export function secretEncodings(secret: string, clientId = 'app'): string[] {
  const out = new Set<string>([secret, formEncode(secret), JSON.stringify(secret).slice(1, -1)]);
  out.add(inspect(secret).slice(1, -1));
  try {
    out.add(encodeURIComponent(secret));
  } catch {}
  for (const pair of [`${clientId}:${secret}`, `${formEncode(clientId)}:${formEncode(secret)}`]) {
    out.add(base64(pair).replace(/=+$/, ''));
    out.add(base64(pair).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  }
  out.add(base64(secret).replace(/=+$/, ''));
  out.add(base64(secret).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  for (const value of [...out]) out.add(value.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  return [...out].filter((value) => value.length >= 4);
}

/**
 * Everything a user can print of `value`: `message`, `String()`, `JSON.stringify`,
 * `util.inspect` at full depth, and what `console.log` prints (`util.format`), plus the
 * `message` of every `cause` down the chain.
 */
export function renderings(value: unknown): string[] {
  const out = [String(value), format(value)];
  out.push(inspect(value, { depth: Number.POSITIVE_INFINITY }));
  out.push(JSON.stringify(value) ?? '');
  for (let e = value, i = 0; e && i < 10; i++, e = (e as { cause?: unknown }).cause) {
    const { message } = e as { message?: unknown };
    if (typeof message === 'string') out.push(message);
  }
  return out;
}

/**
 * The first rendering of `values` that shows one of `secrets` in any encoding, described for a
 * test failure; `undefined` if none does.
 *
 * @example
 * ```ts
 * expect(findLeak([error], [clientSecret, refreshToken])).toBeUndefined();
 * ```
 */
export function findLeak(values: unknown[], secrets: string[], clientId = 'app'): string | undefined {
  for (const value of values) {
    for (const text of renderings(value)) {
      for (const secret of secrets) {
        const hit = secretEncodings(secret, clientId).find((encoding) => text.includes(encoding));
        if (hit !== undefined) return `${JSON.stringify(hit)} (of ${JSON.stringify(secret)}) in:\n${text}`;
      }
    }
  }
  return undefined;
}

/**
 * Everything a failure of `act` lets a user print: its rejection (`undefined` if it resolved) and
 * the payload of every error event of `vault` (`refresh:error`, `session:ended`, `revoke:error`).
 * Closes `vault` afterwards. Feed the result to {@link findLeak}.
 *
 * @example
 * ```ts
 * const outputs = await collectFailures(vault, () => vault.getToken());
 * expect(findLeak(outputs, [clientSecret])).toBeUndefined();
 * ```
 */
export async function collectFailures(vault: TokenVault, act: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const type of ['refresh:error', 'session:ended', 'revoke:error'] as const) {
    vault.on(type, (event) => seen.push(event));
  }
  seen.push(
    await act().then(
      () => undefined,
      (error: unknown) => error,
    ),
  );
  await vault.close();
  return seen;
}

/** A running {@link startEchoingTokenServer}. */
export interface EchoingTokenServer {
  /** `http://127.0.0.1:<port>`: every path answers the same way. */
  readonly url: string;
  /** The status of the next answers (400: `invalid_grant`, else `server_error`). @default 400 */
  status: number;
  /** A loopback port nothing listens on (for network errors). */
  readonly closedPort: number;
  close(): Promise<void>;
}

/** Everything a request carried, decoded every way a careless server would. */
function echoOf(auth: string, body: string): string {
  const decoded: string[] = [...new URLSearchParams(body).values(), auth, body];
  const pair = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8');
  decoded.push(pair, ...pair.split(':').map((part) => new URLSearchParams(`v=${part}`).get('v') ?? ''));
  return decoded.join(' | ');
}

/**
 * A HOSTILE token endpoint on loopback: it refuses every request and echoes everything it
 * received (form values, the `Authorization` header raw and decoded, the raw body) in
 * `error_description`, `error_uri` (percent-encoded and raw) and an extra `echo` field.
 *
 * @example
 * ```ts
 * const hostile = await startEchoingTokenServer();
 * clientCredentials({ tokenUrl: `${hostile.url}/token`, clientId: 'app', clientSecret });
 * ```
 */
export async function startEchoingTokenServer(): Promise<EchoingTokenServer> {
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const echo = echoOf(request.headers.authorization ?? '', body);
    response.writeHead(state.status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: state.status === 400 ? 'invalid_grant' : 'server_error',
        error_description: `rejected: ${echo}`,
        error_uri: `https://errors.example/?echo=${encodeURIComponent(echo)}&raw=${body}`,
        echo: body,
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const state: EchoingTokenServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    status: 400,
    closedPort,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return state;
}

/**
 * Property: a request sent through an adapter whose refresh fails rejects with an error (and the
 * vault emits events) that show no secret. Each run logs in with generated secrets
 * (`vault.setTokens`), sends `send(vault, apiUrl)` to an API that answers 401, and the refresh
 * fails at a hostile endpoint, once through `refreshTokenGrant` and once through a careless
 * `fetchToken` that throws an error carrying the request it sent.
 *
 * @example
 * ```ts
 * it('no secret in a failed refresh', () =>
 *   checkAdapterKeepsSecrets((vault, apiUrl) => createAuthFetch(vault, { origins: apiUrl })(`${apiUrl}/me`)));
 * ```
 */
export async function checkAdapterKeepsSecrets(
  send: (vault: TokenVault, apiUrl: string) => Promise<unknown>,
  numRuns = 20,
): Promise<void> {
  const hostile = await startEchoingTokenServer();
  const api = createServer((_request, response) => {
    response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    response.end();
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const tokenUrl = `${hostile.url}/token`;
  const careless =
    (clientSecret: string): FetchToken =>
    async ({ previous }) => {
      const body = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: previous?.refreshToken ?? '',
        client_secret: clientSecret,
      }).toString();
      const headers = { authorization: `Bearer ${previous?.accessToken}` };
      const response = await fetch(tokenUrl, { method: 'POST', body, headers });
      const text = await response.text();
      throw Object.assign(new Error(`token endpoint answered ${response.status}: ${text}`), {
        options: { body, headers },
        response: { status: response.status, body: text },
      });
    };
  const property = fc.asyncProperty(
    fc.record({
      clientSecret: secretArbitrary(),
      refreshToken: secretArbitrary(),
      accessToken: secretArbitrary(true),
      rejected: fc.constantFrom(400, 500),
    }),
    async ({ clientSecret, refreshToken, accessToken, rejected }) => {
      fc.pre(new Set([clientSecret, refreshToken, accessToken]).size === 3);
      hostile.status = rejected;
      const outputs: unknown[] = [];
      for (const fetchToken of [
        refreshTokenGrant({ tokenUrl, clientId: 'app', clientSecret }),
        careless(clientSecret),
      ]) {
        const vault = createTokenVault({ retry: false, fetchToken });
        for (const type of ['refresh:error', 'session:ended'] as const) {
          vault.on(type, (event) => outputs.push(event));
        }
        await vault.setTokens({ accessToken, refreshToken, expiresIn: 3600 });
        const outcome = await send(vault, apiUrl).then(
          () => 'resolved',
          (error: unknown) => error,
        );
        await vault.close();
        if (!(outcome instanceof TokenRefreshError)) throw new Error(`expected a refresh error: ${outcome}`);
        outputs.push(outcome);
      }
      const leak = findLeak(outputs, [clientSecret, refreshToken, accessToken]);
      if (leak) throw new Error(`secret leaked: ${leak}`);
    },
  );
  try {
    await fc.assert(property, { numRuns });
  } finally {
    await hostile.close();
    await new Promise((resolve) => api.close(resolve));
  }
}
