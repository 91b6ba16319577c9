/**
 * The authorization-code grant (RFC 6749 §4.1) with PKCE (RFC 7636), without a UI: `login()`
 * mints a code directly, and the authorize endpoint approves every valid request at once and
 * redirects back with a code. Codes live 60 s and are single-use (a replay revokes what the code
 * issued, RFC 6749 §4.1.2).
 */
import { type CodeRecord, issuerOf, json, type ServerContext } from './context.js';
import { base64url, sha256 } from './jwt.js';
import { type MockClient, targetOf } from './options.js';
import { randomHex } from './registry.js';

const CODE_TTL_MS = 60_000;

/**
 * Options of `login`: who logs in, and the authorization request the code answers.
 *
 * @example
 * ```ts
 * const code = auth.login({ clientId: 'spa', sub: 'alice', scopes: ['openid'], codeChallenge });
 * ```
 */
export interface LoginOptions {
  /** The client the code is for. */
  clientId: string;
  /** The user who logged in (`sub` of the tokens). @default 'user' */
  sub?: string | undefined;
  /** Granted scopes (`openid` adds an `id_token`). @default the client's `scopes`, or none */
  scopes?: readonly string[] | undefined;
  /** The `redirect_uri` the token request must repeat. @default undefined (none required) */
  redirectUri?: string | undefined;
  /** PKCE S256 `code_challenge`. @default undefined (no PKCE) */
  codeChallenge?: string | undefined;
  /** OpenID `nonce`, echoed in the `id_token`. @default undefined */
  nonce?: string | undefined;
  /** Audience (`resource`) of the access token. @default undefined */
  audience?: string | undefined;
}

/** Record an approved authorization request; returns the code. */
export function createCode(ctx: ServerContext, client: MockClient, login: LoginOptions): string {
  const scopes = login.scopes ?? client.scopes ?? [];
  const record: CodeRecord = {
    clientId: client.clientId,
    sub: login.sub ?? 'user',
    scopes: [...scopes],
    redirectUri: login.redirectUri,
    codeChallenge: login.codeChallenge,
    nonce: login.nonce,
    audience: login.audience,
    expiresAt: ctx.options.now() + CODE_TTL_MS,
    familyId: undefined,
    used: false,
  };
  const code = `mock_ac_${randomHex(16)}`;
  ctx.codes.set(code, record);
  return code;
}

function errorRedirect(redirectUri: string, error: string, description: string, state: string | null) {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== null) url.searchParams.set('state', state);
  return new Response(null, { status: 303, headers: { Location: url.href } });
}

/**
 * `GET /authorize`: approve at once (the user is `login_hint`, default `'user'`) and redirect to
 * `redirect_uri` with `code`, `state` and `iss` (RFC 9207). Errors before a trusted redirect URI
 * is known are a 400 JSON body; later ones go back to the client (RFC 6749 §4.1.2.1).
 */
export function handleAuthorize(ctx: ServerContext, request: Request): Response {
  const params = new URL(request.url).searchParams;
  const client = ctx.options.clients.get(params.get('client_id') ?? '');
  if (!client) return json({ error: 'invalid_request', error_description: 'unknown client_id' }, 400);
  const redirectUri = params.get('redirect_uri');
  if (
    redirectUri === null ||
    !URL.canParse(redirectUri) ||
    (client.redirectUris !== undefined && !client.redirectUris.includes(redirectUri))
  ) {
    return json(
      { error: 'invalid_request', error_description: 'redirect_uri is missing or not registered' },
      400,
    );
  }
  const state = params.get('state');
  if (params.get('response_type') !== 'code') {
    return errorRedirect(redirectUri, 'unsupported_response_type', 'only response_type=code', state);
  }
  const grants = client.grants ?? ['client_credentials', 'refresh_token', 'authorization_code'];
  if (!grants.includes('authorization_code')) {
    return errorRedirect(redirectUri, 'unauthorized_client', 'client may not use authorization_code', state);
  }
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method') ?? 'plain';
  if (challenge !== null && method !== 'S256') {
    return errorRedirect(redirectUri, 'invalid_request', 'code_challenge_method must be S256', state);
  }
  if (challenge === null && client.clientSecret === undefined) {
    return errorRedirect(redirectUri, 'invalid_request', 'PKCE is required for public clients', state);
  }
  const requested = params.get('scope')?.split(' ').filter(Boolean);
  if (requested && client.scopes && requested.some((s) => s !== 'openid' && !client.scopes?.includes(s))) {
    return errorRedirect(redirectUri, 'invalid_scope', 'requested scope is not allowed', state);
  }
  const target = targetOf(ctx.options, params.get('resource'), params.get('audience'));
  if (!target.ok) return errorRedirect(redirectUri, 'invalid_target', target.description, state);
  const code = createCode(ctx, client, {
    clientId: client.clientId,
    sub: params.get('login_hint') ?? undefined,
    scopes: requested,
    redirectUri,
    codeChallenge: challenge ?? undefined,
    nonce: params.get('nonce') ?? undefined,
    audience: target.audience,
  });
  const url = new URL(redirectUri);
  url.searchParams.set('code', code);
  if (state !== null) url.searchParams.set('state', state);
  const iss = issuerOf(ctx.options, request);
  if (iss !== undefined) url.searchParams.set('iss', iss);
  return new Response(null, { status: 303, headers: { Location: url.href } });
}

/** The outcome of redeeming a code at the token endpoint. */
export type RedeemResult = { ok: true; record: CodeRecord } | { ok: false; description: string };

/** Check a presented code (client, expiry, single use, `redirect_uri`, PKCE verifier). */
export async function redeemCode(
  ctx: ServerContext,
  client: MockClient,
  form: URLSearchParams,
): Promise<RedeemResult> {
  const fail = (description: string): RedeemResult => ({ ok: false, description });
  const verifier = form.get('code_verifier');
  // Hash first: the checks below and `used = true` then run without an await in between, so two
  // concurrent redemptions cannot both succeed.
  const verifierHash = verifier === null ? undefined : base64url(await sha256(verifier));
  const record = ctx.codes.get(form.get('code') ?? '');
  if (!record || record.clientId !== client.clientId) return fail('authorization code is invalid');
  if (record.used) {
    if (record.familyId !== undefined) ctx.registry.revokeFamily(record.familyId);
    return fail('authorization code was already used; its tokens were revoked');
  }
  if (ctx.options.now() >= record.expiresAt) return fail('authorization code has expired');
  if (record.redirectUri !== undefined && form.get('redirect_uri') !== record.redirectUri) {
    return fail('redirect_uri does not match the authorization request');
  }
  if (record.codeChallenge !== undefined) {
    if (verifierHash === undefined) return fail('code_verifier is missing');
    if (verifierHash !== record.codeChallenge) return fail('PKCE verification failed');
  } else if (verifierHash !== undefined) {
    return fail('code_verifier sent for a code issued without code_challenge');
  }
  record.used = true;
  return { ok: true, record };
}
