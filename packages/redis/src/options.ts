/**
 * Options of `createRedisStore`, their defaults and their validation.
 */
import { checkOptions } from '@tokvault/core/adapter';

/**
 * What the store does when Redis is down or slower than `commandTimeoutMs`.
 *
 * - `'fail-closed'`: never refresh without the shared lock. A token this process already holds
 *   (or last read from Redis) is served while it is valid; after that, refreshes reject with a
 *   `TokenRefreshError` whose `code` is `'store_unavailable'`. Use it for rotating refresh tokens,
 *   where two processes redeeming the same refresh token get the whole session revoked.
 * - `'local-fallback'`: fall back to a single-flight inside this process (one refresh per process
 *   while Redis is away). Use it for client credentials, where an extra token costs quota only.
 *
 * @example
 * ```ts
 * const policy: RedisStorePolicy = 'local-fallback';
 * ```
 */
export type RedisStorePolicy = 'fail-closed' | 'local-fallback';

/**
 * Options of {@link createRedisStore}.
 *
 * @example
 * ```ts
 * const store = createRedisStore(client, { prefix: 'billing', policy: 'local-fallback', lockTtlMs: 5_000 });
 * ```
 */
export interface RedisStoreOptions {
  /**
   * Namespace of every key. The vault `name` is appended, inside a Redis Cluster hash tag:
   * `{prefix:name}:token`, `{prefix:name}:lock`, and the pub/sub channel `{prefix:name}:events`.
   * @default 'tokvault'
   * @example
   * ```ts
   * createRedisStore(client, { prefix: 'myapp:tokens' });
   * ```
   */
  prefix?: string | undefined;
  /**
   * Behaviour while Redis is unreachable or slow; see {@link RedisStorePolicy}.
   * @default 'fail-closed'
   * @example
   * ```ts
   * createRedisStore(client, { policy: 'local-fallback' }); // client credentials
   * ```
   */
  policy?: RedisStorePolicy | undefined;
  /**
   * Lease of the refresh lock in ms. A watchdog extends it every third of this while the refresh
   * runs, so a slow token endpoint never loses the lock; a crashed holder delays the others by at
   * most this long.
   * @default 10_000
   * @example
   * ```ts
   * createRedisStore(client, { lockTtlMs: 3_000 });
   * ```
   */
  lockTtlMs?: number | undefined;
  /**
   * While waiting for the lock, check it at least this often (jittered) in case a pub/sub wake-up
   * is lost. Waiters normally wake at once through pub/sub.
   * @default 250
   * @example
   * ```ts
   * createRedisStore(client, { pollIntervalMs: 100 });
   * ```
   */
  pollIntervalMs?: number | undefined;
  /**
   * Upper bound on every Redis command (and on waiting for a connection that is still opening).
   * Commands are never left in a client's offline queue: a disconnected client fails at once.
   * @default 1_000
   * @example
   * ```ts
   * createRedisStore(client, { commandTimeoutMs: 250 });
   * ```
   */
  commandTimeoutMs?: number | undefined;
  /**
   * Use pub/sub (on ONE extra connection the store opens with `client.duplicate()` on first need
   * and closes in `store.close()`) to wake lock waiters and to notify `subscribe` listeners.
   * `false`: no extra connection, waiters only poll, and the store has no `subscribe`.
   * @default true
   * @example
   * ```ts
   * createRedisStore(client, { pubSub: false }); // e.g. an ACL without SUBSCRIBE
   * ```
   */
  pubSub?: boolean | undefined;
  /**
   * Encrypt tokens at rest with AES-256-GCM (WebCrypto): a 32-byte key (`Uint8Array`, `Buffer`,
   * `ArrayBuffer`) or an AES-GCM 256-bit `CryptoKey` allowed to `encrypt` and `decrypt`. A stored
   * value that does not decrypt with it (another key, tampered, plaintext) counts as missing,
   * so rotating the key costs one refresh.
   * @default undefined (stored as JSON, unencrypted)
   * @example
   * ```ts
   * createRedisStore(client, { encryptionKey: Buffer.from(process.env.TOKEN_KEY!, 'base64') });
   * ```
   */
  encryptionKey?: CryptoKey | ArrayBuffer | ArrayBufferView | undefined;
}

/** {@link RedisStoreOptions} with defaults applied. */
export interface ResolvedRedisStoreOptions {
  prefix: string;
  policy: RedisStorePolicy;
  lockTtlMs: number;
  pollIntervalMs: number;
  commandTimeoutMs: number;
  pubSub: boolean;
  encryptionKey: CryptoKey | Uint8Array<ArrayBuffer> | undefined;
}

/**
 * Every option `createRedisStore` accepts (typed against {@link RedisStoreOptions}, so adding an
 * option without listing it here fails to compile): a misspelt one throws instead of being ignored.
 */
const KNOWN_OPTIONS = {
  prefix: true,
  policy: true,
  lockTtlMs: true,
  pollIntervalMs: true,
  commandTimeoutMs: true,
  pubSub: true,
  encryptionKey: true,
} satisfies Record<keyof RedisStoreOptions, true>;

function invalid(name: string, expected: string): never {
  throw new TypeError(`createRedisStore: option "${name}" must be ${expected}`);
}

function ms(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    invalid(name, `a finite number of milliseconds >= ${min}`);
  }
  return value;
}

function resolveKey(value: unknown): CryptoKey | Uint8Array<ArrayBuffer> | undefined {
  if (value === undefined) return undefined;
  const expected = 'a 32-byte key (Uint8Array, Buffer or ArrayBuffer) or an AES-GCM 256-bit CryptoKey';
  if (!globalThis.crypto?.subtle)
    invalid('encryptionKey', `${expected}, and needs WebCrypto (globalThis.crypto)`);
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
    const algorithm = value.algorithm as Partial<AesKeyAlgorithm>;
    const usable = value.usages.includes('encrypt') && value.usages.includes('decrypt');
    if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256 || !usable)
      invalid('encryptionKey', expected);
    return value;
  }
  let bytes: Uint8Array | undefined;
  if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else if (ArrayBuffer.isView(value))
    bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (bytes?.byteLength !== 32) invalid('encryptionKey', expected);
  return Uint8Array.from(bytes);
}

/** Validate options (a `TypeError` names the bad option) and apply defaults. */
export function resolveOptions(options: RedisStoreOptions | undefined): ResolvedRedisStoreOptions {
  const o = options ?? {};
  checkOptions('createRedisStore', o, KNOWN_OPTIONS);
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix === '' || /[{}]/.test(o.prefix))) {
    invalid('prefix', 'a non-empty string without "{" or "}"');
  }
  if (o.policy !== undefined && o.policy !== 'fail-closed' && o.policy !== 'local-fallback') {
    invalid('policy', "'fail-closed' or 'local-fallback'");
  }
  if (o.pubSub !== undefined && typeof o.pubSub !== 'boolean') invalid('pubSub', 'a boolean');
  return {
    prefix: o.prefix ?? 'tokvault',
    policy: o.policy ?? 'fail-closed',
    lockTtlMs: Math.ceil(ms('lockTtlMs', o.lockTtlMs, 10_000, 30)),
    pollIntervalMs: ms('pollIntervalMs', o.pollIntervalMs, 250, 1),
    commandTimeoutMs: ms('commandTimeoutMs', o.commandTimeoutMs, 1_000, 1),
    pubSub: o.pubSub ?? true,
    encryptionKey: resolveKey(o.encryptionKey),
  };
}
