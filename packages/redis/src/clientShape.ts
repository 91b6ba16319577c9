/**
 * Which client library a user passed in, seen through one small shape.
 */

export type Listener = (...args: never[]) => void;

/**
 * The part of a node-redis client the store uses: `createClient()`, `createCluster()` or
 * `createSentinel()` from `redis` v5/v6 (cluster and sentinel clients route `sendCommand` by
 * their own signatures; the store detects which one it got). The store never connects or
 * closes it: create it, `await client.connect()`, pass it in.
 *
 * @example
 * ```ts
 * const client: NodeRedisClientLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export interface NodeRedisClientLike {
  /**
   * Connected and ready for commands; when `false` the store fails fast instead of queueing
   * (a v5 `createCluster()` client has only `isOpen`, which the store reads instead).
   */
  readonly isReady?: boolean;
  /** Runs the store's commands (raw, so v5 and v6 behave the same); the signature depends on the kind. */
  // biome-ignore lint/suspicious/noExplicitAny: three client kinds, three signatures
  sendCommand(...args: any[]): Promise<unknown>;
  /**
   * Opens the store's pub/sub connection (see the `pubSub` option). Not used (and absent in v5)
   * on a `createSentinel()` client, whose own pub/sub connection the store subscribes on.
   */
  duplicate?(): unknown;
  /** The store listens to `ready` (`connect` for a cluster) to know when a starting client can take commands. */
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its events per client kind
  on(event: string, listener: (...args: any[]) => void): unknown;
  /** Removes the store's `ready` listener in `close()`. */
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its events per client kind
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * The part of an ioredis client (`new Redis()`, `new Redis({ sentinels, name })` or `new Cluster()`
 * from `ioredis` v5/v6) the store uses. The store never connects or closes it.
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

/** Which kind of client the store was given, detected once at creation. */
export type ClientKind =
  | 'node-redis'
  | 'node-redis cluster'
  | 'node-redis sentinel'
  | 'ioredis'
  | 'ioredis cluster';

/** A user's client (or its duplicate) behind one interface. */
export interface Shape {
  kind: ClientKind;
  client: Record<string, unknown>;
  ready(): boolean;
  /** The event a starting client emits once it can take commands. */
  readyEvent: string;
  raw(args: string[], signal: AbortSignal): Promise<unknown>;
  on(event: string, listener: Listener): void;
  off(event: string, listener: Listener): void;
  connect(): void;
  destroy(): void;
}

/** Untyped access to a client's methods. */
export type Methods = Partial<Record<string, (...args: unknown[]) => unknown>>;

/**
 * The key a cluster routes a store command by. The store sends only `SET key ...` and
 * `EVAL`/`EVALSHA script numkeys key ...`, all keys of one command sharing one hash tag.
 */
export function routingKey(args: readonly string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  if (name === 'EVAL' || name === 'EVALSHA') return Number(args[2]) > 0 ? args[3] : undefined;
  return args[1];
}

function nodeRedisKind(client: Record<string, unknown>, m: Methods): ClientKind | undefined {
  if (typeof m.sendCommand !== 'function') return undefined;
  if (typeof m.getSlotMaster === 'function' && typeof client.isOpen === 'boolean')
    return 'node-redis cluster';
  if (typeof m.getMasterNode === 'function' && typeof client.isReady === 'boolean')
    return 'node-redis sentinel';
  return typeof client.isReady === 'boolean' ? 'node-redis' : undefined;
}

/** Recognise a node-redis or ioredis client (single node, cluster or sentinel), or `undefined`. */
export function shapeOf(value: unknown): Shape | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const client = value as Record<string, unknown>;
  const m = value as Methods;
  if (typeof m.on !== 'function') return undefined;
  const events = {
    on: (event: string, listener: Listener) => void m.on?.call(client, event, listener),
    off: (event: string, listener: Listener) => void m.removeListener?.call(client, event, listener),
  };
  const nodeKind = nodeRedisKind(client, m);
  // The pub/sub connection is a duplicate; a node-redis Sentinel (v5 has no `duplicate()`) has its own.
  if (typeof m.duplicate !== 'function' && nodeKind !== 'node-redis sentinel') return undefined;
  if (nodeKind) {
    const send = (...args: unknown[]) => m.sendCommand?.apply(client, args) as Promise<unknown>;
    return {
      kind: nodeKind,
      client,
      ...events,
      // A v5 cluster has no `isReady`, and is `isOpen` before it knows the nodes: ask for masters.
      ready: () =>
        typeof client.isReady === 'boolean'
          ? client.isReady
          : client.isOpen === true && (client.masters as unknown[] | undefined)?.length !== 0,
      readyEvent: nodeKind === 'node-redis cluster' ? 'connect' : 'ready',
      raw:
        nodeKind === 'node-redis cluster'
          ? (args, signal) => send(routingKey(args), false, args, { abortSignal: signal })
          : nodeKind === 'node-redis sentinel'
            ? (args, signal) => send(false, args, { abortSignal: signal })
            : (args, signal) => send(args, { abortSignal: signal }),
      connect: () => (m.connect?.call(client) as Promise<unknown> | undefined)?.catch(() => {}),
      destroy: () => {
        const closing = (m.destroy ?? m.disconnect)?.call(client) as Promise<unknown> | undefined;
        closing?.catch?.(() => {});
      },
    };
  }
  if (typeof m.call === 'function' && typeof client.status === 'string') {
    return {
      kind: client.isCluster === true ? 'ioredis cluster' : 'ioredis',
      client,
      ...events,
      ready: () => client.status === 'ready',
      readyEvent: 'ready',
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
