/**
 * `store.subscribe`: pub/sub messages carry no token (`set` / `del`), so a `set` is read back
 * (and decrypted) from Redis; listeners are called in message order.
 */
import type { StoredToken } from '@tokvault/core';
import type { Notifier } from './notifier.js';

/** Subscribe `listener` to one key's channel; returns the unsubscribe function. */
export function subscribeTo(
  notifier: Notifier,
  channel: string,
  read: () => Promise<StoredToken | undefined>,
  listener: (token: StoredToken | undefined) => void,
): () => void {
  let queue = Promise.resolve();
  let active = true;
  const deliver = (next: Promise<StoredToken | undefined>, deleted: boolean) => {
    queue = queue
      .then(async () => {
        const token = await next;
        if (active && (token || deleted)) listener(token);
      })
      .catch(() => {});
  };
  const readBack = () =>
    deliver(
      read().catch(() => undefined),
      false,
    );
  const listening = notifier.listen(channel, (message) => {
    if (message === 'set') readBack();
    if (message === 'del') deliver(Promise.resolve(undefined), true);
  });
  // A write that landed while SUBSCRIBE was on its way sent its message before we listened.
  void listening.ready.then(() => {
    if (active) readBack();
  });
  return () => {
    active = false;
    listening.off();
  };
}
