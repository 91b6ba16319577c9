/**
 * Which client library a user passed in, seen through one small shape.
 */

export type Listener = (...args: never[]) => void;

/**
 * The part of a node-redis client (`createClient()` from `redis` v5/v6) the store uses.
 * The store never connects or closes it: create it, `await client.connect()`, pass it in.
 *
 * @example
 * ```ts
 * const client: NodeRedisClientLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export interface NodeRedisClientLike {
  /** Connected and ready for commands; when `false` the store fails fast instead of queueing. */
  readonly isReady: boolean;
  /** Runs the store's commands (raw, so v5 and v6 behave the same). */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Opens the store's pub/sub connection (see the `pubSub` option). */
  duplicate(): unknown;
  /** The store listens to `ready` to know when a starting client can take commands. */
  on(event: 'ready', listener: () => void): unknown;
  /** Removes the store's `ready` listener in `close()`. */
  removeListener(event: 'ready', listener: () => void): unknown;
}

/**
 * The part of an ioredis client (`new Redis()` / `new Cluster()` from `ioredis` v5/v6) the store
 * uses. The store never connects or closes it.
 *
 * @example
 * ```ts
 * const client: IoRedisClientLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface IoRedisClientLike {
  /** `'ready'` when connected; otherwise the store fails fast instead of queueing. */
  readonly status: string;
  /** Runs the store's commands (raw, so v5 and v6 behave the same). */
  call(command: string, ...args: string[]): Promise<unknown>;
  /** Opens the store's pub/sub connection (see the `pubSub` option). */
  duplicate(): unknown;
  /** The store listens to `ready` to know when a starting client can take commands. */
  on(event: 'ready', listener: () => void): unknown;
  /** Removes the store's `ready` listener in `close()`. */
  removeListener(event: 'ready', listener: () => void): unknown;
}

/**
 * A node-redis or ioredis client the user created and owns.
 *
 * @example
 * ```ts
 * const client: RedisClientLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

/** A user's client (or its duplicate) behind one interface. */
export interface Shape {
  client: Record<string, unknown>;
  ready(): boolean;
  raw(args: string[], signal: AbortSignal): Promise<unknown>;
  on(event: string, listener: Listener): void;
  off(event: string, listener: Listener): void;
  connect(): void;
  destroy(): void;
}

/** Untyped access to a client's methods. */
export type Methods = Partial<Record<string, (...args: unknown[]) => unknown>>;

/** Recognise a node-redis or ioredis client, or `undefined`. */
export function shapeOf(value: unknown): Shape | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const client = value as Record<string, unknown>;
  const m = value as Methods;
  if (typeof m.on !== 'function' || typeof m.duplicate !== 'function') return undefined;
  const events = {
    on: (event: string, listener: Listener) => void m.on?.call(client, event, listener),
    off: (event: string, listener: Listener) => void m.removeListener?.call(client, event, listener),
  };
  if (typeof m.sendCommand === 'function' && typeof client.isReady === 'boolean') {
    return {
      client,
      ...events,
      ready: () => client.isReady === true,
      raw: (args, signal) => m.sendCommand?.call(client, args, { abortSignal: signal }) as Promise<unknown>,
      connect: () => (m.connect?.call(client) as Promise<unknown> | undefined)?.catch(() => {}),
      destroy: () => void (m.destroy ?? m.disconnect)?.call(client),
    };
  }
  if (typeof m.call === 'function' && typeof client.status === 'string') {
    return {
      client,
      ...events,
      ready: () => client.status === 'ready',
      raw: (args) => m.call?.apply(client, args) as Promise<unknown>,
      connect: () => {
        if (client.status === 'wait')
          (m.connect?.call(client) as Promise<unknown> | undefined)?.catch(() => {});
      },
      destroy: () => void m.disconnect?.call(client),
    };
  }
  return undefined;
}
