/**
 * One request through the interceptor as ONE object (no closures per request): the controller its
 * handler gets, and the handler of each attempt below (the first, a nonce resend, a refresh resend).
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  authorize,
  freshToken,
  isRefreshWorthy,
  type ResendBudget,
  type ResolvedAdapterOptions,
  resendStep,
} from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';
import {
  bodyAsIs,
  type FlatHeaders,
  type InterceptedResponse,
  type PreparedBody,
  prepareBody,
} from './requestParts.js';
import { callVault } from './vaultCall.js';

const noop = () => {};
type Controller = Dispatcher.DispatchController;
type Handler = Dispatcher.DispatchHandler;
type Upgrade = Parameters<NonNullable<Handler['onRequestUpgrade']>>;
type ResponseHeaders = InterceptedResponse['headers'];

/**
 * The class of the requests of one interceptor (its `vault`, resolved options `o`, and the
 * `dispatch` below it): `new (…)(opts, handler, url, headers).start()` sends one.
 */
export const interceptedRequests = (
  vault: TokenVault,
  o: ResolvedAdapterOptions<InterceptedResponse>,
  dispatch: Dispatcher['dispatch'],
) => {
  // A token in its soft window: start the background refresh (marked: its token requests pass untouched).
  const touch = () => vault.getToken().catch(noop);
  return class implements Controller, Handler, ResendBudget {
    /** The request's resend budget ({@link ResendBudget}): a nonce resend happened. */
    nonce = false;
    /** The request's resend budget: a refresh resend happened. */
    refresh = false;
    readonly #opts: Dispatcher.DispatchOptions;
    readonly #handler: Handler;
    readonly #url: string;
    readonly #headers: FlatHeaders;
    readonly #signal: AbortSignal | undefined;
    /** The current attempt's controller. */
    #target: Controller | undefined;
    /** An attempt is in flight below. */
    #live = false;
    /** The caller's handler got `onRequestStart`. */
    #started = false;
    #settled = false;
    #redirected = false;
    #step: 'nonce' | 'refresh' | undefined | false; // what the response in flight asks for
    #failure: Error | undefined;
    #token!: Token;
    #prepared!: PreparedBody;

    constructor(opts: Dispatcher.DispatchOptions, handler: Handler, url: string, headers: FlatHeaders) {
      this.#opts = opts;
      this.#handler = handler;
      this.#url = url;
      this.#headers = headers;
      const { signal } = opts as { signal?: unknown };
      this.#signal = signal instanceof AbortSignal ? signal : undefined;
    }

    /** Send it: at once with a usable cached token and a body sent as is, else when both are ready. */
    start(): void {
      const asIs = bodyAsIs(this.#opts.body);
      const signal = this.#signal;
      const fresh = !signal?.aborted && freshToken(vault);
      const cached = fresh || (!signal?.aborted && vault.peek());
      if (asIs && cached) {
        this.#prepared = asIs;
        if (!fresh) callVault(vault, touch);
        this.#send(cached);
      } else {
        (async () => {
          this.#prepared = asIs ?? (await prepareBody(this.#opts.body, this.#headers));
          this.#send(await callVault(vault, () => vault.getToken({ signal })));
        })().catch((error) => this.#fail(error));
      }
    }

    #fail(error: Error): void {
      if (this.#settled) return;
      this.#settled = true;
      this.#handler.onResponseError?.(this, error);
    }

    #send(token: Token): void {
      if (this.#settled) return;
      this.#token = token;
      const headers = [...this.#headers];
      // Synchronous for a Bearer token; a DPoP token waits for its proof.
      authorize(o, token, this.#opts.method, this.#url, (name, value) => headers.push(name, value))?.then(
        () => this.#go(headers),
        (error) => this.#fail(error),
      ) ?? this.#go(headers);
    }

    #go(headers: unknown[]): void {
      this.#live = !this.#settled;
      if (this.#live) {
        const opts = { ...this.#opts, body: this.#prepared.body, headers } as Dispatcher.DispatchOptions;
        dispatch(opts, this);
      }
    }

    // The controller the caller's handler gets.
    abort(reason?: Error): void {
      this.#failure ??= reason ?? new DOMException('This operation was aborted', 'AbortError');
      if (this.#live && this.#target) this.#target.abort(this.#failure);
      else this.#fail(this.#failure); // waiting on the vault: settle at once
    }
    pause(): void {
      this.#target?.pause();
    }
    resume(): void {
      this.#target?.resume();
    }
    get paused(): boolean {
      return this.#target?.paused ?? false;
    }
    get aborted(): boolean {
      return this.#failure !== undefined || (this.#target?.aborted ?? false);
    }
    get reason(): Error | null {
      return this.#failure ?? this.#target?.reason ?? null;
    }

    // The handler of each attempt below.
    onRequestStart(c: Controller, context: { history?: unknown[] } | undefined) {
      this.#target = c;
      if (this.#failure) return c.abort(this.#failure);
      if ((context?.history?.length ?? 0) > 0) {
        this.#redirected = true; // a redirect interceptor composed before this one follows hops below
        const { header } = o;
        if (header.toLowerCase() !== 'authorization') {
          const advice = 'compose interceptors.redirect() after tokenVaultInterceptor';
          return c.abort(new Error(`tokenVaultInterceptor: a redirect below it with "${header}": ${advice}`));
        }
      }
      if (!this.#started) {
        this.#started = true;
        this.#handler.onRequestStart?.(this, context);
      }
    }
    onRequestUpgrade(_c: Controller, status: number, headers: Upgrade[2], socket: Upgrade[3]): void {
      this.#handler.onRequestUpgrade?.(this, status, headers, socket);
    }
    onResponseStarted(): void {
      this.#handler.onResponseStarted?.();
    }
    // undici 7 passes (chunkSize, totalBytesSent), undici 8 the chunk: forward whatever comes.
    onBodySent(...args: unknown[]): void {
      (this.#handler.onBodySent as ((...a: unknown[]) => void) | undefined)?.(...args);
    }
    onRequestSent(): void {
      this.#handler.onRequestSent?.();
    }
    onResponseStart(_c: Controller, status: number, headers: ResponseHeaders, message: string): void {
      const response = { status, headers };
      this.#step =
        status >= 200 &&
        this.#prepared.replayable &&
        !this.#redirected &&
        resendStep(o, this.#url, response, this, () => isRefreshWorthy(o, response));
      if (!this.#step) this.#handler.onResponseStart?.(this, status, headers, message);
    }
    onResponseData(_c: Controller, chunk: Buffer): void {
      if (!this.#step) this.#handler.onResponseData?.(this, chunk);
    }
    onResponseEnd(_c: Controller, trailers: ResponseHeaders): void {
      this.#live = false;
      // A DPoP nonce resend: the same token, a proof with the new nonce.
      if (this.#step === 'nonce') this.#send(this.#token);
      else if (this.#step) {
        callVault(vault, () => vault.refresh({ staleToken: this.#token, signal: this.#signal })).then(
          (token) => this.#send(token),
          (error) => this.#fail(error),
        );
      } else if (!this.#settled) {
        this.#settled = true;
        this.#handler.onResponseEnd?.(this, trailers);
      }
    }
    onResponseError(_c: Controller, error: Error): void {
      this.#live = false;
      this.#fail(error);
    }
  };
};
