/**
 * One intercepted request: the handler undici calls for each attempt below the interceptor
 * and the controller the caller's handler sees, in one object (a class, so a request costs
 * one allocation, not a dozen closures).
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Token, TokenVault } from '@tokvault/core';
import { authorize, isRefreshWorthy, type ResolvedAdapterOptions, resendStep } from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';
import type { FlatHeaders, InterceptedResponse, PreparedBody } from './requestParts.js';

/** What every request of one interceptor shares. */
export interface ExchangeContext {
  o: ResolvedAdapterOptions<InterceptedResponse>;
  vault: TokenVault;
  /** Set while this package calls the vault. */
  vaultCall: AsyncLocalStorage<TokenVault>;
  dispatch: Dispatcher.Dispatch;
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/** A request with the token: sends, resends after a refresh or a DPoP nonce, settles once. */
export class Exchange implements Handler, Controller {
  private target: Controller | undefined; // the current attempt's controller
  private live = false; // an attempt is in flight below
  private started = false; // the caller's handler got onRequestStart
  private settled = false;
  private redirected = false;
  private step: 'nonce' | 'refresh' | undefined | false; // what the response in flight asks for
  private readonly spent = { nonce: false, refresh: false }; // the request's resend budget
  private failure: Error | undefined;
  private token: Token | undefined;
  prepared: PreparedBody = { body: undefined, replayable: false };

  constructor(
    private readonly c: ExchangeContext,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly handler: Handler,
    private readonly headers: FlatHeaders,
    private readonly url: string,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Send (again) with `next`. */
  send(next: Token): void {
    if (this.settled) return;
    this.token = next;
    const authorized = [...this.headers];
    // Synchronous for a Bearer token; a DPoP token waits for its proof.
    const proof = authorize(this.c.o, next, this.opts.method, this.url, (name, value) =>
      authorized.push(name, value),
    );
    if (proof)
      proof.then(
        () => this.go(authorized),
        (error: Error) => this.fail(error),
      );
    else this.go(authorized);
  }

  private go(headers: unknown[]): void {
    this.live = !this.settled;
    if (this.live) {
      this.c.dispatch(
        { ...this.opts, body: this.prepared.body, headers } as Dispatcher.DispatchOptions,
        this,
      );
    }
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onResponseError?.(this, error);
  }

  // The controller the caller's handler sees.
  abort(reason?: Error): void {
    this.failure ??= reason ?? new DOMException('This operation was aborted', 'AbortError');
    if (this.live && this.target) this.target.abort(this.failure);
    else this.fail(this.failure); // waiting on the vault: settle at once
  }
  pause(): void {
    this.target?.pause();
  }
  resume(): void {
    this.target?.resume();
  }
  get paused(): boolean {
    return this.target?.paused ?? false;
  }
  get aborted(): boolean {
    return this.failure !== undefined || (this.target?.aborted ?? false);
  }
  get reason(): Error | null {
    return this.failure ?? this.target?.reason ?? null;
  }

  // The handler of each attempt below.
  onRequestStart(c: Controller, context: { history?: unknown[] } | undefined): void {
    this.target = c;
    if (this.failure) {
      c.abort(this.failure);
      return;
    }
    if ((context?.history?.length ?? 0) > 0) {
      this.redirected = true; // a redirect interceptor composed before this one follows hops below
      const { header } = this.c.o;
      if (header.toLowerCase() !== 'authorization') {
        const advice = 'compose interceptors.redirect() after tokenVaultInterceptor';
        c.abort(new Error(`tokenVaultInterceptor: a redirect below it with "${header}": ${advice}`));
        return;
      }
    }
    if (!this.started) {
      this.started = true;
      this.handler.onRequestStart?.(this, context);
    }
  }
  onRequestUpgrade(_c: Controller, status: number, headers: never, socket: never): void {
    this.handler.onRequestUpgrade?.(this, status, headers, socket);
  }
  onResponseStarted(): void {
    this.handler.onResponseStarted?.();
  }
  // undici 7 passes (chunkSize, totalBytesSent), undici 8 the chunk: forward whatever comes.
  onBodySent(...args: unknown[]): void {
    (this.handler.onBodySent as ((...a: unknown[]) => void) | undefined)?.(...args);
  }
  onRequestSent(): void {
    this.handler.onRequestSent?.();
  }
  onResponseStart(_c: Controller, status: number, headers: never, message: string): void {
    const response = { status, headers } as InterceptedResponse;
    const { o } = this.c;
    this.step =
      status >= 200 &&
      this.prepared.replayable &&
      !this.redirected &&
      resendStep(o, this.url, response, this.spent, () => isRefreshWorthy(o, response));
    if (!this.step) this.handler.onResponseStart?.(this, status, headers, message);
  }
  onResponseData(_c: Controller, chunk: Buffer): void {
    if (!this.step) this.handler.onResponseData?.(this, chunk);
  }
  onResponseEnd(_c: Controller, trailers: never): void {
    this.live = false;
    const token = this.token as Token;
    // A DPoP nonce resend: the same token, a proof with the new nonce.
    if (this.step === 'nonce') this.send(token);
    else if (this.step) {
      const { vault, vaultCall } = this.c;
      vaultCall
        .run(vault, () => vault.refresh({ staleToken: token, signal: this.signal }))
        .then(
          (next) => this.send(next),
          (error: Error) => this.fail(error),
        );
    } else if (!this.settled) {
      this.settled = true;
      this.handler.onResponseEnd?.(this, trailers);
    }
  }
  onResponseError(_c: Controller, error: Error): void {
    this.live = false;
    this.fail(error);
  }
}
