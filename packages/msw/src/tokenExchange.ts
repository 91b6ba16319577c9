/**
 * Token exchange (RFC 8693) checks: the subject (and actor) token must be an access token this
 * server issued and still active; the token types must be ones it understands.
 */
import type { ServerContext } from './context.js';

/** RFC 8693 §3 token types the mock accepts and issues. */
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';

/** The token type the mock issues (`issued_token_type`). */
export const ISSUED_TOKEN_TYPE = ACCESS_TOKEN;

/** Who the exchanged token is for, or why the request is invalid (`invalid_request`, §2.2.2). */
export type ExchangeCheck =
  | { ok: true; sub: string; actor: string | undefined }
  | { ok: false; description: string };

function present(
  ctx: ServerContext,
  form: URLSearchParams,
  name: 'subject' | 'actor',
): { ok: true; who: string } | { ok: false; description: string } {
  const token = form.get(`${name}_token`);
  const type = form.get(`${name}_token_type`);
  if (type === null) return { ok: false, description: `${name}_token_type is missing` };
  if (type !== ACCESS_TOKEN && type !== JWT) {
    return { ok: false, description: `${name}_token_type is not supported` };
  }
  const checked = ctx.registry.checkAccess(token ?? '', ctx.options.now());
  if ('rejection' in checked) return { ok: false, description: `${name}_token is ${checked.rejection}` };
  return { ok: true, who: checked.grant.sub ?? checked.grant.clientId };
}

/** Check the RFC 8693 parameters of a token exchange request. */
export function checkExchange(ctx: ServerContext, form: URLSearchParams): ExchangeCheck {
  if (form.get('subject_token') === null) return { ok: false, description: 'subject_token is missing' };
  const subject = present(ctx, form, 'subject');
  if (!subject.ok) return subject;
  let actor: string | undefined;
  if (form.get('actor_token') !== null) {
    const acting = present(ctx, form, 'actor');
    if (!acting.ok) return acting;
    actor = acting.who;
  } else if (form.get('actor_token_type') !== null) {
    return { ok: false, description: 'actor_token_type without actor_token' };
  }
  const requested = form.get('requested_token_type');
  if (requested !== null && requested !== ACCESS_TOKEN) {
    return { ok: false, description: 'requested_token_type is not supported' };
  }
  return { ok: true, sub: subject.who, actor };
}
