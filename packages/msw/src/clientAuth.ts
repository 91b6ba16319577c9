/**
 * Client authentication at the token endpoint (RFC 6749 §2.3.1): HTTP Basic, body parameters, or
 * a JWT assertion (RFC 7523).
 */
import { JWT_BEARER, verifyClientAssertion } from './clientAssertion.js';
import type { ServerContext } from './context.js';
import type { MockClient } from './options.js';

/** The outcome of authenticating a token request's client. */
export type ClientAuthResult =
  | { ok: true; client: MockClient }
  | { ok: false; error: 'invalid_request' | 'invalid_client'; description: string; basic: boolean };

/** `application/x-www-form-urlencoded` decoding of one Basic credential part. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  let text: string;
  try {
    const binary = atob(match[1]!);
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const id = formDecode(text.slice(0, colon));
  const secret = formDecode(text.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** Authenticate the client of a token request. Messages never contain a secret. */
export async function authenticateClient(
  ctx: ServerContext,
  request: Request,
  form: URLSearchParams,
): Promise<ClientAuthResult> {
  const { options } = ctx;
  const header = request.headers.get('Authorization');
  const assertionType = form.get('client_assertion_type');
  const assertion = form.get('client_assertion');
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  const basic = header !== null;
  const fail = (error: 'invalid_request' | 'invalid_client', description: string): ClientAuthResult => ({
    ok: false,
    error,
    description,
    basic,
  });
  const methods = [header, bodySecret, assertion ?? assertionType].filter((v) => v !== null);
  if (methods.length > 1) return fail('invalid_request', 'more than one client authentication method used');
  if (assertion !== null || assertionType !== null) {
    if (assertionType !== JWT_BEARER)
      return fail('invalid_request', 'client_assertion_type is not supported');
    if (assertion === null) return fail('invalid_request', 'client_assertion is missing');
    const result = await verifyClientAssertion(ctx, request, assertion, bodyId);
    if (result.ok) return result;
    return fail(result.malformed ? 'invalid_request' : 'invalid_client', result.description);
  }
  if (header !== null) {
    const credentials = decodeBasic(header);
    if (!credentials) return fail('invalid_request', 'malformed Basic authorization header');
    if (bodyId !== null && bodyId !== credentials.id)
      return fail('invalid_request', 'client_id does not match');
    if (!options.clientAuthMethods.has('client_secret_basic')) {
      return fail('invalid_client', 'client_secret_basic is not allowed');
    }
    const client = options.clients.get(credentials.id);
    if (!client?.clientSecret || client.clientSecret !== credentials.secret) {
      return fail('invalid_client', 'client authentication failed');
    }
    return { ok: true, client };
  }
  if (bodyId === null) return fail('invalid_client', 'client authentication is missing');
  const client = options.clients.get(bodyId);
  if (!client) return fail('invalid_client', 'client authentication failed');
  if (bodySecret === null) {
    // A public client identifies itself with client_id alone.
    return client.clientSecret === undefined
      ? { ok: true, client }
      : fail('invalid_client', 'client authentication failed');
  }
  if (!options.clientAuthMethods.has('client_secret_post')) {
    return fail('invalid_client', 'client_secret_post is not allowed');
  }
  if (client.clientSecret !== bodySecret) return fail('invalid_client', 'client authentication failed');
  return { ok: true, client };
}
