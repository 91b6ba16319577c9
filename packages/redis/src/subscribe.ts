/**
 * `store.subscribe`. Pub/sub messages carry no token, only `set <origin>` / `del <origin>`: a
 * `set` from another store is read back (and decrypted) from Redis. Listeners of the SAME store
 * are told synchronously when it writes or deletes (as the memory store does), and the pub/sub
 * echo of the store's own message is skipped, so a late echo can never undo a newer local change.
 */
import type { StoredToken } from '@tokvault/core';
import type { Notifier } from './notifier.js';

type Listener = (token: StoredToken | undefined) => void;

/** The subscriptions of one store. */
export interface Subscriptions {
  /** Subscribe `listener` to `key` (whose pub/sub channel is `channel`); returns unsubscribe. */
  subscribe(key: string, channel: string, listener: Listener): () => void;
  /**
   * Tell this store's listeners of `key` about its own write (`token`) or delete (`undefined`);
   * `behind`: the write is kept here but did not reach Redis.
   */
  emit(key: string, token: StoredToken | undefined, behind?: boolean): void;
}

/** Create the subscription registry of a store identified by `origin` in its messages. */
export function createSubscriptions(
  notifier: Notifier,
  origin: string,
  read: (key: string) => Promise<StoredToken | undefined>,
): Subscriptions {
  const local = new Map<string, Set<(token: StoredToken | undefined, behind: boolean) => void>>();
  return {
    subscribe(key, channel, listener) {
      let queue = Promise.resolve();
      let active = true;
      // Bumped by each local event: remote news queued before it is older, and dropped.
      let generation = 0;
      const deliver = (next: Promise<StoredToken | undefined>, deleted: boolean) => {
        const queuedAt = generation;
        queue = queue
          .then(async () => {
            const token = await next;
            if (active && queuedAt === generation && (token || deleted)) listener(token);
          })
          .catch(() => {});
      };
      // A local write Redis has not got: a missing key then says nothing about a remote delete.
      let behind = false;
      const readBack = () =>
        deliver(
          read(key).catch(() => undefined),
          false,
        );
      const listening = notifier.listen(channel, (message) => {
        const [type, from] = message.split(' ');
        if (from === origin) return;
        if (type === 'set') readBack();
        if (type === 'del') deliver(Promise.resolve(undefined), true);
      });
      // A write or delete that landed while SUBSCRIBE was on its way (a cluster client takes a
      // while to connect) sent its message before we listened: read the key once listening.
      void listening.ready.then(() => {
        if (!active) return;
        const queuedAt = generation;
        queue = queue
          .then(async () => {
            const token = await read(key);
            if (!active || queuedAt !== generation) return;
            if (token || !behind) listener(token);
          })
          .catch(() => {});
      });
      const now = (token: StoredToken | undefined, writeBehind: boolean) => {
        generation += 1;
        behind = writeBehind;
        try {
          listener(token);
        } catch {
          // a listener's failure must not fail the store's write or delete
        }
      };
      const mine: Set<(token: StoredToken | undefined, behind: boolean) => void> =
        local.get(key) ?? new Set();
      local.set(key, mine.add(now));
      return () => {
        active = false;
        listening.off();
        mine.delete(now);
        if (mine.size === 0 && local.get(key) === mine) local.delete(key);
      };
    },
    emit(key, token, behind = false) {
      for (const now of [...(local.get(key) ?? [])]) now(token && { ...token }, behind);
    },
  };
}
