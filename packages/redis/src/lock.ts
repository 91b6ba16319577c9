/**
 * The distributed lock: owner-tagged `SET NX PX`, waiters woken by pub/sub with a polling
 * backstop, a watchdog that extends the lease while the task runs, compare-and-delete release.
 */
import { randomUUID } from 'node:crypto';
import { abortable } from '@tokvault/core';
import { unrefTimer } from '@tokvault/core/adapter';
import type { Connection } from './client.js';
import { lockLost } from './errors.js';
import type { Notifier } from './notifier.js';
import { ACQUIRE, EXTEND, RELEASE, runScript } from './scripts.js';

/** Key names of one token. */
export interface Keys {
  token: string;
  lock: string;
  channel: string;
}

/** What the lock needs from the store. */
export interface LockContext {
  conn: Connection;
  notifier: Notifier | undefined;
  lockTtlMs: number;
  pollIntervalMs: number;
}

/** Release a lock if `owner` still holds it (and wake the waiters). */
export function release(ctx: LockContext, keys: Keys, owner: string): Promise<unknown> {
  return runScript(ctx.conn, RELEASE, [keys.lock], [owner, keys.channel]);
}

/**
 * Take the lock; resolves with the owner tag, or with `undefined` once `shortcut` (asked before
 * each retry: after subscribing, on every wake-up and poll) says the lock is no longer needed.
 * `lastRead` (with a shortcut): the token value the caller (or its shortcut) last read; each
 * attempt takes the lock only if the token is still that one, else asks the shortcut. Rejects with
 * `signal.reason` on abort and with the connection's error when Redis fails. A lock won by an
 * attempt nobody waits for any more (aborted, timed out) is released at once.
 */
export async function acquire(
  ctx: LockContext,
  keys: Keys,
  signal: AbortSignal | undefined,
  shortcut?: () => Promise<boolean>,
  lastRead?: () => string | undefined,
): Promise<string | undefined> {
  let wakes = 0;
  let wake: (() => void) | undefined;
  let listening: ReturnType<Notifier['listen']> | undefined;
  // The caller has just read the store: no shortcut before the first attempt.
  let retry = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const seen = wakes;
      if (retry && shortcut && (await abortable(shortcut(), signal))) return undefined;
      const owner = randomUUID();
      const releaseLate = (reply: unknown) => {
        if (reply === 'OK') release(ctx, keys, owner).catch(() => {});
      };
      const ttl = String(ctx.lockTtlMs);
      const read = shortcut && lastRead?.();
      const attempt =
        read !== undefined
          ? runScript(ctx.conn, ACQUIRE, [keys.lock, keys.token], [owner, ttl, read], releaseLate)
          : ctx.conn.send(['SET', keys.lock, owner, 'NX', 'PX', ttl], releaseLate);
      retry = true;
      const reply = await abortable(attempt, signal).catch((error: unknown) => {
        // Given up on: if the SET still lands, the lock is ours and must not be left behind.
        if (signal?.aborted) attempt.then(releaseLate, () => {});
        throw error;
      });
      if (reply === 'OK') return owner;
      if (reply === 'changed') continue; // written since the caller read it: ask the shortcut
      if (!listening && ctx.notifier) {
        // Busy: subscribe for the holder's release, then try again at once (it may be gone).
        listening = ctx.notifier.listen(keys.channel, () => {
          wakes += 1;
          wake?.();
        });
        await abortable(listening.ready, signal);
        continue;
      }
      if (wakes !== seen) continue;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          wake = undefined;
        };
        const onAbort = () => {
          done();
          reject(signal?.reason);
        };
        const timer = unrefTimer(
          () => {
            done();
            resolve();
          },
          ctx.pollIntervalMs * (0.5 + Math.random() / 2),
        );
        wake = () => {
          done();
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  } finally {
    listening?.off();
  }
}

/**
 * Extend the lease every third of the TTL while the task runs. Aborts `controller` when Redis
 * says the lock is someone else's, or (when `strict`) when the lease can no longer be confirmed
 * before it would have run out. Returns a stop function.
 */
export function watchdog(
  ctx: LockContext,
  keys: Keys,
  owner: string,
  controller: AbortController,
  strict: boolean,
): () => void {
  let confirmedAt = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const lost = (why: string) => controller.abort(lockLost(keys.lock, why));
  const tick = async () => {
    const sentAt = Date.now();
    try {
      const reply = await runScript(ctx.conn, EXTEND, [keys.lock], [owner, String(ctx.lockTtlMs)]);
      if (stopped) return;
      if (Number(reply) !== 1) return lost('another process holds it');
      confirmedAt = sentAt;
    } catch {
      if (stopped) return;
      if (strict && Date.now() - confirmedAt >= ctx.lockTtlMs) return lost('Redis is unreachable');
    }
    schedule();
  };
  const schedule = () => {
    timer = unrefTimer(() => void tick(), Math.max(1, Math.floor(ctx.lockTtlMs / 3)));
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
