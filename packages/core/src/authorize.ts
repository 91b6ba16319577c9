/**
 * The per-request hook the adapters share: the headers that authorise one request (with a DPoP
 * proof for a DPoP token, RFC 9449), and what a response asks for (a nonce resend, a refresh).
 */
import type { Dpop } from './dpopTypes.js';
import type { Token } from './token.js';

/** What {@link authorize} and {@link resendStep} need of the resolved adapter options. */
interface AuthorizeOptions {
  readonly header: string;
  readonly formatHeader: (token: Token) => string;
  readonly dpop: Dpop | undefined;
}

/**
 * What one request already spent of its resend budget: at most one nonce resend (same token)
 * and one refresh resend. Start with `{ nonce: false, refresh: false }`; {@link resendStep} marks it.
 *
 * @example
 * ```ts
 * const spent: ResendBudget = { nonce: false, refresh: false };
 * ```
 */
export interface ResendBudget {
  /** A nonce resend happened. */
  nonce: boolean;
  /** A refresh resend happened. */
  refresh: boolean;
}

const DPOP_SCHEME = /^dpop$/i;

/**
 * Set the headers that authorise one request with `token`: `header` (`formatHeader(token)`)
 * and, for a `DPoP` token of a vault with `dpop`, a fresh `DPoP` proof for `method` and `url`
 * (with `ath` and the origin's nonce). Synchronous (returns `undefined`) for every other token,
 * so the Bearer path costs nothing more; a promise when a proof is signed. Nothing is set
 * until everything is ready.
 *
 * @param url - the absolute request URL (query and fragment are dropped from the proof).
 * @param set - sets one header on the request.
 * @example
 * ```ts
 * const pending = authorize(o, token, 'GET', url, (name, value) => headers.set(name, value));
 * if (pending) await pending;
 * ```
 */
export function authorize(
  o: AuthorizeOptions,
  token: Token,
  method: string,
  url: string,
  set: (name: string, value: string) => void,
): Promise<void> | undefined {
  const value = o.formatHeader(token);
  if (!o.dpop || !DPOP_SCHEME.test(token.tokenType)) {
    set(o.header, value);
    return undefined;
  }
  return o.dpop.proof(method, url, token.accessToken).then((proof) => {
    set(o.header, value);
    set('DPoP', proof);
  });
}

/** A response header from fetch `Headers`, `AxiosHeaders` or a plain lower-case object. */
export function responseHeader(headers: unknown, name: string): string | undefined {
  const h = headers as { get?: (name: string) => unknown; [key: string]: unknown } | null | undefined;
  const value = typeof h?.get === 'function' ? h.get(name) : h?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * What a response to a request that carried the token asks for, within the request's budget:
 * `'nonce'` (a DPoP server's 401 `use_dpop_nonce`: resend with the SAME token and a proof with
 * the new nonce), `'refresh'` (a refresh-worthy response: refresh, then resend), or `undefined`
 * (the response is final). Keeps the `DPoP-Nonce` of every response for its origin. Marks
 * `spent`; a use is never made twice.
 *
 * @param url - the request URL (its origin keys the nonce).
 * @param refreshWorthy - whether the response calls for a refresh (`isRefreshWorthy`), asked only when it matters.
 * @example
 * <!-- snippet: fragment; an excerpt: `spent` comes from the code around it -->
 * ```ts
 * const step = resendStep(o, url, response, spent, () => isRefreshWorthy(o, response));
 * if (step === 'refresh') token = await vault.refresh({ staleToken: token });
 * ```
 */
export function resendStep(
  o: AuthorizeOptions,
  url: string,
  response: { readonly status: number; readonly headers?: unknown },
  spent: ResendBudget,
  refreshWorthy: () => boolean,
): 'nonce' | 'refresh' | undefined {
  const nonce = o.dpop && responseHeader(response.headers, 'dpop-nonce');
  if (nonce) {
    o.dpop!.setNonce(url, nonce);
    const challenge = response.status === 401 && responseHeader(response.headers, 'www-authenticate');
    if (!spent.nonce && challenge && /use_dpop_nonce/i.test(challenge)) {
      spent.nonce = true;
      return 'nonce';
    }
  }
  if (spent.refresh || !refreshWorthy()) return undefined;
  spent.refresh = true;
  return 'refresh';
}
