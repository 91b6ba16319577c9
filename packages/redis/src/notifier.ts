/**
 * Pub/sub fan-out: one extra connection (opened on first need, closed when the last listener
 * goes, so it never keeps a process alive after its vaults closed), one Redis subscription per
 * channel however many local listeners it has. Never throws: a subscription that cannot be made
 * is retried with backoff while someone listens, and lock waiters keep polling meanwhile.
 */

import { unrefTimer } from '@tokvault/core/adapter';
import type { Connection, Subscriber } from './client.js';

/** A local listener registration. */
export interface Listening {
  /** Settles (never rejects) once the subscription is active, or after one failed attempt. */
  readonly ready: Promise<void>;
  /** Stop listening; the Redis subscription ends with its last listener. */
  off(): void;
}

interface Channel {
  handlers: Set<(message: string) => void>;
  ready: Promise<void>;
  retry?: ReturnType<typeof setTimeout>;
  failures: number;
}

/** Subscribes channels on one lazily created pub/sub connection. */
export class Notifier {
  readonly #conn: Connection;
  readonly #channels = new Map<string, Channel>();
  #subscriber: Subscriber | undefined;
  /** (Un)subscribe commands run one after the other, so they reach Redis in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** Call `handler` for every message on `channel` until `off()`. */
  listen(name: string, handler: (message: string) => void): Listening {
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { handlers: new Set(), ready: Promise.resolve(), failures: 0 };
      this.#channels.set(name, channel);
      channel.ready = this.#subscribe(name, channel);
    }
    const current = channel;
    current.handlers.add(handler);
    return {
      ready: current.ready,
      off: () => {
        if (!current.handlers.delete(handler) || current.handlers.size > 0) return;
        if (this.#channels.get(name) !== current) return;
        this.#channels.delete(name);
        clearTimeout(current.retry);
        const unsubscribe = (subscriber: Subscriber) => {
          if (this.#channels.size > 0) return subscriber.unsubscribe(name);
          // Nobody listens any more: close the connection (the next `listen` opens a new one).
          this.#drop();
          return Promise.resolve();
        };
        void this.#enqueue(unsubscribe, false).catch(() => {});
      },
    };
  }

  /** Run `command` after the ones queued before; `open`: open the connection if none is open. */
  #enqueue(command: (subscriber: Subscriber) => Promise<void>, open = true): Promise<void> {
    const run = this.#queue.then(() => {
      if (this.#closed || (!open && !this.#subscriber)) return;
      this.#subscriber ??= this.#conn.createSubscriber((name, message) => {
        for (const handler of this.#channels.get(name)?.handlers ?? []) handler(message);
      });
      return command(this.#subscriber);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #subscribe(name: string, channel: Channel): Promise<void> {
    try {
      await this.#enqueue((subscriber) => subscriber.subscribe(name));
      channel.failures = 0;
    } catch {
      if (this.#closed || this.#channels.get(name) !== channel) return;
      channel.failures += 1;
      channel.retry = unrefTimer(
        () => {
          if (this.#channels.get(name) === channel) channel.ready = this.#subscribe(name, channel);
        },
        Math.min(5_000, 50 * 2 ** channel.failures),
      );
    }
  }

  #drop(): void {
    this.#subscriber?.close();
    this.#subscriber = undefined;
  }

  /** Drop every subscription and close the pub/sub connection. */
  close(): void {
    this.#closed = true;
    for (const channel of this.#channels.values()) clearTimeout(channel.retry);
    this.#channels.clear();
    this.#drop();
  }
}
