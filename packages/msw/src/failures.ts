/**
 * Injected failures (`failNext`) and latency for the token endpoint.
 */

import { rejectUnknownOptions } from './options.js';

/**
 * How the next token requests fail (see `failNext`).
 *
 * @example
 * ```ts
 * auth.failNext(1, { status: 429, retryAfter: 2 });
 * auth.failNext(2, { networkError: true });
 * auth.failNext(1, { status: 200, body: 'not json' });
 * ```
 */
export interface FailNextOptions {
  /**
   * HTTP status of the failure.
   * @default 503
   */
  status?: number | undefined;
  /**
   * Response body: a string is sent as is (`text/plain`), anything else as JSON.
   * @default { error: 'temporarily_unavailable', error_description: 'injected failure' }
   */
  body?: unknown;
  /**
   * `Retry-After` header: seconds (number), an HTTP date (`Date`), or a raw header value.
   * @default undefined (no header)
   */
  retryAfter?: number | Date | string | undefined;
  /** Extra response headers. @default {} */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Wait this long before failing (uses `setTimeout`; advance fake timers to let it pass).
   * @default 0
   */
  delayMs?: number | undefined;
  /**
   * Fail at the network level instead (MSW `HttpResponse.error()`; over real HTTP the socket is
   * destroyed), so `fetch` rejects with a `TypeError`. `status` and `body` are ignored.
   * @default false
   */
  networkError?: boolean | undefined;
}

interface Failure {
  remaining: number;
  options: FailNextOptions;
}

function invalid(name: string, expected: string): never {
  throw new TypeError(`failNext: option "${name}" must be ${expected}`);
}

/** Validate `failNext` arguments (TypeError naming the option). */
export function checkFailNext(count: unknown, options: FailNextOptions): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) invalid('count', 'an integer >= 0');
  if (typeof options !== 'object' || options === null) invalid('options', 'an object');
  rejectUnknownOptions('failNext', options, {
    status: true,
    body: true,
    retryAfter: true,
    headers: true,
    delayMs: true,
    networkError: true,
  });
  const { status, delayMs, retryAfter } = options;
  if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
    invalid('status', 'an HTTP status between 200 and 599');
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
    invalid('delayMs', 'a finite number >= 0');
  }
  if (
    retryAfter !== undefined &&
    !(typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) &&
    !(retryAfter instanceof Date && !Number.isNaN(retryAfter.getTime())) &&
    typeof retryAfter !== 'string'
  ) {
    invalid('retryAfter', 'seconds >= 0, a valid Date or a header string');
  }
}

/** FIFO queue of injected failures. */
export class FailureQueue {
  #queue: Failure[] = [];

  /** Queue `count` failures. */
  add(count: number, options: FailNextOptions): void {
    if (count > 0) this.#queue.push({ remaining: count, options: { ...options } });
  }

  /** Take the next failure, if any. */
  take(): FailNextOptions | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.#queue.shift();
    return head.options;
  }

  /** Failures still queued. */
  get pending(): number {
    return this.#queue.reduce((sum, failure) => sum + failure.remaining, 0);
  }

  /** Drop every queued failure. */
  clear(): void {
    this.#queue = [];
  }
}

/** The response of an injected failure (`Response.error()` for a network error). */
export function failureResponse(options: FailNextOptions): Response {
  if (options.networkError) return Response.error();
  const headers = new Headers(options.headers);
  const { retryAfter } = options;
  if (retryAfter instanceof Date) headers.set('Retry-After', retryAfter.toUTCString());
  else if (retryAfter !== undefined) headers.set('Retry-After', String(retryAfter));
  const body = options.body ?? { error: 'temporarily_unavailable', error_description: 'injected failure' };
  if (typeof body === 'string') {
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'text/plain');
    return new Response(body, { status: options.status ?? 503, headers });
  }
  headers.set('Content-Type', 'application/json');
  headers.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(body), { status: options.status ?? 503, headers });
}

/** Wait `ms` (no-op for 0). */
export function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
