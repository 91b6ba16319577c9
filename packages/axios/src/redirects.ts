/**
 * The token stays on allowed origins through redirects, for both axios transports outside
 * browsers: the http adapter (follow-redirects, through `beforeRedirect`) and the fetch adapter
 * (through `env.fetch`, which follows redirects itself with core's `redirectSafeFetch`).
 */
import { redirectSafeFetch } from '@tokvault/core/adapter';
import type { InternalAxiosRequestConfig } from 'axios';

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Delete `name` from a plain header object, whatever its case. */
function strip(headers: Record<string, unknown> | undefined, name: string): void {
  for (const key of Object.keys(headers ?? {})) {
    if (key.toLowerCase() === name) delete headers?.[key];
  }
}

/**
 * The redirect guard of one attachment: `header` goes only where `allowed` says. `install`
 * equips a request that carries the token; `leftOrigins` tells whether its final response came
 * from a URL outside the allowed origins (never a refresh case).
 */
export function redirectGuard(header: string, allowed: (url: string) => boolean) {
  const lower = header.toLowerCase();
  /** Marks (http adapter) and `Request`s (fetch adapter) whose last hop left the origins. */
  const away = new WeakSet<object>();
  /**
   * One guarded `fetch` per underlying one (`undefined`: the global one, looked up per call):
   * axios's fetch adapter caches per `env.fetch`, so a new function per request would grow it.
   */
  const guarded = new WeakMap<Fetch | typeof globalThis, Fetch>();
  const guard = (underlying: Fetch | undefined): Fetch => {
    let wrapped = guarded.get(underlying ?? globalThis);
    if (wrapped) return wrapped;
    const send = redirectSafeFetch(
      (input, init) => (underlying ?? globalThis.fetch)(input, init),
      header,
      allowed,
    );
    wrapped = async (input, init) => {
      const response = await send(input, init);
      // axios's fetch adapter builds a Request and reports it as `error.request`
      if (input instanceof Request && response.url && !allowed(response.url)) away.add(input);
      return response;
    };
    guarded.set(underlying ?? globalThis, wrapped);
    return wrapped;
  };

  return {
    /** Equip `config` (which carries the token; `mark` is its bookkeeping object). */
    install(config: InternalAxiosRequestConfig, mark: object): void {
      const before = config.beforeRedirect;
      config.beforeRedirect = (options, ...details) => {
        before?.(options, ...details);
        if (allowed(String(options.href))) away.delete(mark);
        else {
          away.add(mark);
          strip(options.headers, lower);
          strip(options.headers, 'dpop');
        }
      };
      config.env = { ...config.env, fetch: guard(config.env?.fetch as Fetch | undefined) };
    },
    /** Whether the response to the request with `mark` (or fetch `Request`) came from outside the origins. */
    leftOrigins: (mark: object, request: unknown): boolean =>
      away.has(mark) || (typeof request === 'object' && request !== null && away.has(request)),
  };
}
