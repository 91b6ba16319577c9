/**
 * A contender: one HTTP client configured one way (tokvault adapter, peer library, or a
 * static-header baseline), driven identically by every scenario.
 */
import { type Dispatcher, request } from 'undici';

/** The HTTP client underneath. */
export type ClientKind = 'axios' | 'ky' | 'fetch' | 'undici';

/** Who the contender is: our adapter, a peer library, or a client with a fixed header. */
export type ContenderKind = 'tokvault' | 'peer' | 'baseline';

/** Where a contender sends its requests and gets its tokens. */
export interface ContenderEnv {
  /** Base URL of the protected API, e.g. `http://127.0.0.1:4123/api`. */
  apiUrl: string;
  /** The token endpoint (client_credentials grant). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A live contender. */
export interface Contender {
  /** GET `path` (relative to `apiUrl`, starting with `/`); true for a 2xx, false for any failure. */
  get(path: string): Promise<boolean>;
  /** Release sockets, vaults, interceptors. */
  close(): Promise<void>;
}

/** How to build a contender, and how it is described in the results. */
export interface ContenderSpec {
  /** Stable id, also used as the mock server's client id (one per contender). */
  id: string;
  /** Row label in tables and chart. */
  label: string;
  client: ClientKind;
  kind: ContenderKind;
  /** One line on how it is configured (README/RESULTS). */
  setup: string;
  create(env: ContenderEnv): Promise<Contender>;
}

/**
 * ky's timeout for every ky contender (ky's default is 10 s). A 1,000-request burst on a busy
 * 2-core machine can take longer than that; the bench measures refresh behaviour, not timeouts.
 */
export const KY_TIMEOUT_MS = 60_000;

/** Settle a response-producing promise into success/failure, draining fetch bodies. */
export async function settleFetch(response: Promise<Response>): Promise<boolean> {
  try {
    const res = await response;
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** `undici.request(url, options)` settled into success/failure, draining the body. */
export async function settleUndici(
  url: string,
  options: { dispatcher: Dispatcher; headers?: Record<string, string> },
): Promise<boolean> {
  try {
    const { statusCode, body } = await request(url, options);
    await body.dump();
    return statusCode >= 200 && statusCode < 300;
  } catch {
    return false;
  }
}

/** Settle any promise into success/failure (axios and ky reject on non-2xx). */
export function settle(promise: Promise<unknown>): Promise<boolean> {
  return promise.then(
    () => true,
    () => false,
  );
}
