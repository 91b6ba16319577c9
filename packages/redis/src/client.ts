/**
 * One small surface over the two client libraries: send a raw command with a deadline and
 * without the offline queue, and open a pub/sub connection.
 */
import { type Listener, type Methods, type Shape, shapeOf } from './clientShape.js';

const noop = () => {};

/** A Redis command failed, timed out, or could not be sent (connection not ready). */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** The pub/sub side: one extra connection, closed by `close()`. */
export interface Subscriber {
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): void;
}

/** A command channel with a deadline on every command. */
export interface Connection {
  /** Send one command; `onLateReply` sees the reply of a command that timed out but still ran. */
  send(args: readonly string[], onLateReply?: (reply: unknown) => void): Promise<unknown>;
  /** Open the pub/sub connection (`client.duplicate()`); messages go to `onMessage`. */
  createSubscriber(onMessage: (channel: string, message: string) => void): Subscriber;
  /** Stop listening to the user's client (which stays open). */
  close(): void;
}

function sanitized(error: unknown): UnavailableError {
  // Never keep the client's error object: ioredis attaches the command's arguments (the token).
  const message = error instanceof Error ? error.message : 'unknown error';
  return new UnavailableError(`Redis command failed: ${message.slice(0, 200)}`);
}

function deadline(ms: number, what: string): { promise: Promise<never>; signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new UnavailableError(`Redis ${what} did not answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  promise.catch(noop);
  return { promise, signal: controller.signal, clear: () => clearTimeout(timer) };
}

async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const wait = deadline(ms, what);
  try {
    return await Promise.race([work, wait.promise]);
  } finally {
    wait.clear();
  }
}

interface Wrapped extends Connection {
  whenReady(): Promise<void>;
}

function wrap(shape: Shape, timeoutMs: number): Wrapped {
  let everReady = shape.ready();
  const onReady = () => {
    everReady = true;
  };
  shape.on(shape.readyEvent, onReady);

  async function whenReady(): Promise<void> {
    if (shape.ready()) return;
    // A client that was ready once and is not now is down: fail at once, never queue offline.
    if (everReady) throw new UnavailableError('Redis client is not connected');
    let resolve = noop;
    const ready = new Promise<void>((r) => {
      resolve = r;
    });
    shape.on(shape.readyEvent, resolve);
    // Not every client announces readiness (a v5 sentinel has no `ready` event): look, too.
    const poll = setInterval(() => shape.ready() && resolve(), 20);
    try {
      await bounded(ready, timeoutMs, 'connection');
    } finally {
      clearInterval(poll);
      shape.off(shape.readyEvent, resolve);
    }
  }

  return {
    whenReady,
    async send(args, onLateReply) {
      await whenReady();
      const wait = deadline(timeoutMs, `command ${args[0]}`);
      const reply = Promise.resolve().then(() => shape.raw([...args], wait.signal));
      try {
        return await Promise.race([reply, wait.promise]);
      } catch (error) {
        if (onLateReply && wait.signal.aborted) reply.then(onLateReply, noop);
        throw error instanceof UnavailableError ? error : sanitized(error);
      } finally {
        wait.clear();
      }
    },
    createSubscriber(onMessage) {
      // node-redis Sentinel has its own pub/sub connection (that follows failovers, and closes
      // with the last subscription) and v5 has no `duplicate()`: subscribe on the client itself.
      if (shape.kind === 'node-redis sentinel') return subscriberOf(shape, timeoutMs, onMessage, false);
      const dup = shapeOf((shape.client as Methods).duplicate?.call(shape.client));
      if (!dup) throw new UnavailableError('client.duplicate() did not return a Redis client');
      return subscriberOf(dup, timeoutMs, onMessage, true);
    },
    close() {
      shape.off(shape.readyEvent, onReady);
    },
  };
}

/** The pub/sub side on `shape`: a connection of the store's own (`own`), or the user's client. */
function subscriberOf(
  shape: Shape,
  timeoutMs: number,
  onMessage: (channel: string, message: string) => void,
  own: boolean,
): Subscriber {
  const conn = wrap(shape, timeoutMs);
  const nodeRedis = shape.kind.startsWith('node-redis');
  const listener = (message: unknown, channel: unknown) => onMessage(String(channel), String(message));
  const channels = new Set<string>();
  const call = (command: 'subscribe' | 'unsubscribe', channel: string) =>
    Promise.resolve(
      (shape.client as Methods)[command]?.apply(shape.client, nodeRedis ? [channel, listener] : [channel]),
    );
  if (own) {
    shape.on('error', noop);
    if (!nodeRedis)
      shape.on('message', ((channel: string, message: string) => listener(message, channel)) as Listener);
    shape.connect();
  }
  const run = async (command: 'subscribe' | 'unsubscribe', channel: string) => {
    await conn.whenReady();
    if (command === 'subscribe') channels.add(channel);
    else channels.delete(channel);
    await bounded(call(command, channel), timeoutMs, command);
  };
  return {
    subscribe: (channel) => run('subscribe', channel),
    unsubscribe: (channel) => run('unsubscribe', channel),
    close() {
      conn.close();
      if (!own) {
        // Not ours to close: take our listener off every channel (the client then closes its
        // pub/sub connection by itself once no subscription is left).
        for (const channel of channels) call('unsubscribe', channel).catch(noop);
        channels.clear();
        return;
      }
      // node-redis can finish a handshake that was under way when destroyed: destroy again then.
      shape.on(shape.readyEvent, () => shape.destroy());
      shape.destroy();
    },
  };
}

/**
 * Wrap a user's client, detecting its kind once. Throws a `TypeError` naming the supported
 * clients if it is none of them.
 */
export function connectionOf(client: unknown, timeoutMs: number): Connection {
  const shape = shapeOf(client);
  if (!shape) {
    throw new TypeError(
      'createRedisStore: "client" must be a node-redis v5/v6 client (createClient(), createCluster() or createSentinel() from "redis") or an ioredis v5/v6 client (new Redis(), including Sentinel, or new Cluster()), connected or connecting',
    );
  }
  return wrap(shape, timeoutMs);
}
