/**
 * The one token request every peer uses (client_credentials, Basic auth), so that all
 * contenders pay the same for a token. tokvault uses `clientCredentials` from core instead.
 */
import type { ContenderEnv } from './contender.js';

/** A raw token: the access token and its lifetime in seconds (if the server sent one). */
export interface RawToken {
  accessToken: string;
  expiresIn: number | undefined;
}

/** POST a client_credentials grant to the token endpoint; throws on a non-2xx answer. */
export async function requestToken(env: ContenderEnv, signal?: AbortSignal): Promise<RawToken> {
  const basic = Buffer.from(
    `${encodeURIComponent(env.clientId)}:${encodeURIComponent(env.clientSecret)}`,
  ).toString('base64');
  const response = await fetch(env.tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    signal: signal ?? null,
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${response.status}`);
  }
  return {
    accessToken: body.access_token,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
  };
}
