/**
 * tokenExchange (RFC 8693) against the mock authorization server, over MSW and real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import {
  ACCESS_TOKEN_TYPE,
  clientCredentials,
  TOKEN_EXCHANGE_GRANT,
  type TokenExchangeOptions,
  tokenExchange,
} from '../src/oauth2.js';
import { context, MODES, SECRET, TOKEN_URL, useMockAuth } from './oauth2Harness.js';

const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

describe.each(MODES)('tokenExchange over %s', (mode) => {
  const h = useMockAuth(mode, {
    clients: [
      { clientId: 'web', clientSecret: SECRET },
      { clientId: 'orders', clientSecret: SECRET, grants: [TOKEN_EXCHANGE_GRANT] },
      { clientId: 'plain', clientSecret: SECRET },
    ],
  });
  const sent: URLSearchParams[] = [];
  const recording: TokenExchangeOptions['fetch'] = (input, init) => {
    sent.push(new URLSearchParams(String(init?.body)));
    return fetch(input, init);
  };
  const source = (extra: Partial<TokenExchangeOptions>) =>
    tokenExchange({
      tokenUrl: h.tokenUrl,
      clientId: 'orders',
      clientSecret: SECRET,
      fetch: recording,
      subjectToken: 'unset',
      ...extra,
    });

  it("exchanges a user's token for one for another audience, on the user's behalf", async () => {
    sent.length = 0;
    const subjectToken = h.auth.issueAccessToken('web', { sub: 'alice' });
    const token = await source({ subjectToken, audience: 'https://billing.example', scope: 'read' })(
      context(),
    );
    expect(h.auth.introspect(token.accessToken)).toMatchObject({
      clientId: 'orders',
      sub: 'alice',
      audience: 'https://billing.example',
      scopes: ['read'],
      actor: undefined,
      status: 'active',
    });
    expect(token.raw).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE });
    expect(Object.fromEntries(sent[0]!)).toEqual({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: 'https://billing.example',
      scope: 'read',
    });
    expect(h.auth.stats.tokenRequestsByGrant.token_exchange).toBe(1);
  });

  it('sends actor_token (+type), requested_token_type, subject_token_type and resource; the actor is recorded', async () => {
    sent.length = 0;
    const token = await source({
      subjectToken: h.auth.issueAccessToken('web', { sub: 'alice' }),
      subjectTokenType: JWT_TYPE,
      actorToken: async () => h.auth.issueAccessToken('plain'),
      requestedTokenType: ACCESS_TOKEN_TYPE,
      resource: 'https://billing.example/api',
    })(context());
    expect(h.auth.introspect(token.accessToken)).toMatchObject({
      sub: 'alice',
      actor: 'plain',
      audience: 'https://billing.example/api',
    });
    expect(sent[0]!.get('subject_token_type')).toBe(JWT_TYPE);
    expect(sent[0]!.get('actor_token_type')).toBe(ACCESS_TOKEN_TYPE);
    expect(sent[0]!.get('requested_token_type')).toBe(ACCESS_TOKEN_TYPE);
  });

  it("one vault exchanges another vault's current token (subjectToken as a function)", async () => {
    const upstream = createTokenVault({
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'web', clientSecret: SECRET }),
    });
    const downstream = createTokenVault({
      fetchToken: source({
        subjectToken: ({ signal }) => upstream.getToken({ signal }).then((t) => t.accessToken),
        audience: 'https://billing.example',
      }),
    });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => downstream.getToken()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(h.auth.introspect(tokens[0]!.accessToken)?.sub).toBe('web');
    expect(h.auth.stats.tokenRequestsByGrant).toMatchObject({ client_credentials: 1, token_exchange: 1 });
    // The upstream token expires at the server: the next exchange presents the upstream's new one.
    h.auth.expireAll();
    await upstream.refresh();
    const next = await downstream.refresh();
    expect(h.auth.introspect(next.accessToken)).toMatchObject({ sub: 'web', status: 'active' });
    expect(h.auth.stats.tokenRequestsByGrant).toMatchObject({ client_credentials: 2, token_exchange: 2 });
    await downstream.close();
    await upstream.close();
  });

  it('an expired or unknown subject token is a final invalid_request that names no token', async () => {
    const subjectToken = h.auth.issueAccessToken('web', { sub: 'alice' });
    h.auth.expireAll();
    for (const subject of [subjectToken, 'never-issued-token']) {
      const error = await source({ subjectToken: subject })(context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
      expect((error as Error).message).not.toContain(subject);
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('a client not registered for token exchange gets unauthorized_client', async () => {
    const error = await source({ clientId: 'plain', subjectToken: h.auth.issueAccessToken('web') })(
      context(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized_client', retryable: false });
  });
});

describe('tokenExchange options', () => {
  const base = { tokenUrl: TOKEN_URL, clientId: 'orders', clientSecret: SECRET };
  it.each<[string, Record<string, unknown>]>([
    ['subjectToken', {}],
    ['subjectToken', { subjectToken: '' }],
    ['subjectToken', { subjectToken: 42 }],
    ['actorToken', { subjectToken: 's', actorToken: {} }],
    ['actorTokenType', { subjectToken: 's', actorTokenType: ACCESS_TOKEN_TYPE }],
    ['subjectTokenType', { subjectToken: 's', subjectTokenType: '' }],
    ['requestedTokenType', { subjectToken: 's', requestedTokenType: 1 }],
  ])('a bad "%s" throws a TypeError naming it', (name, extra) => {
    expect(() => tokenExchange({ ...base, ...extra } as TokenExchangeOptions)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('a subjectToken function resolving to no string is a final error; what it throws passes through', async () => {
    const empty = tokenExchange({ ...base, subjectToken: async () => undefined as unknown as string });
    await expect(empty(context())).rejects.toMatchObject({
      code: 'invalid_credential_input',
      retryable: false,
    });
    const boom = new Error('upstream vault closed');
    const throwing = tokenExchange({
      ...base,
      subjectToken: () => {
        throw boom;
      },
    });
    await expect(throwing(context())).rejects.toBe(boom);
  });

  it('refuses to send the subject token over plain http to a non-loopback host', () => {
    expect(() =>
      tokenExchange({ ...base, tokenUrl: 'http://auth.example.com/token', subjectToken: 's' }),
    ).toThrow(expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('"tokenUrl"') }));
  });
});
