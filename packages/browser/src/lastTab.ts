/**
 * "Clear the stored copy when the last tab closes":
 *
 * - Every tab of the app holds a SHARED Web Lock `<namespace>:tabs` while open, and keeps a
 *   roster of the other open tabs over BroadcastChannel (hello / here / bye).
 * - On `pagehide`, a tab whose roster is empty is the last one: it deletes the copy in a
 *   transaction started synchronously in the handler (asynchronous work, such as asking the
 *   lock manager, does not finish in a closing tab; measured in Chromium).
 * - A page that starts while nobody holds the shared lock (probed with `ifAvailable`) deletes
 *   any copy left behind (a crashed tab, a missed `bye`) before it reads anything.
 * - A reload must not sign the user out, so `pagehide` stashes this tab's copy in
 *   `sessionStorage` (per tab, discarded by the browser when the tab closes); a page that
 *   starts as the only tab with a stash puts it back where nothing is stored.
 */
import type { StoredToken } from '@tokvault/core';
import type { TabChannel } from './channel.js';

/** What the presence tracker needs from the store. */
export interface LastTabHooks {
  /** The copies this tab knows, by key (for the reload stash). */
  snapshot(): Record<string, StoredToken>;
  /** Delete every stored copy; must start its write synchronously. */
  clear(): Promise<void>;
  /** Put back stashed copies where no token is stored. */
  restore(tokens: Record<string, StoredToken>): Promise<void>;
}

/** A running presence tracker. */
export interface LastTab {
  /** Resolves once this tab is registered (and a leftover copy was dealt with). */
  ready(): Promise<void>;
  /** Leave (release the shared lock, say bye) and stop listening. */
  stop(): void;
}

function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage ?? undefined;
  } catch {
    return undefined; // sandboxed frames throw on access
  }
}

function takeStash(storage: Storage | undefined, key: string): Record<string, StoredToken> | undefined {
  try {
    const text = storage?.getItem(key);
    storage?.removeItem(key);
    const value: unknown = text ? JSON.parse(text) : undefined;
    return typeof value === 'object' && value !== null ? (value as Record<string, StoredToken>) : undefined;
  } catch {
    return undefined;
  }
}

/** Track this tab's presence; see the module comment. */
export function watchLastTab(
  locks: LockManager,
  channel: TabChannel,
  namespace: string,
  hooks: LastTabHooks,
): LastTab {
  const lockName = `${namespace}:tabs`;
  const stashKey = `${namespace}:last-tab-stash`;
  const storage = sessionStore();
  const me = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const others = new Set<string>();
  let leave: (() => void) | undefined;
  let stopped = false;

  const unlisten = channel.listen((message) => {
    if (message.type !== 'tab' || message.tab === me) return;
    if (message.event === 'bye') others.delete(message.tab);
    else others.add(message.tab);
    if (message.event === 'hello' && leave) channel.post({ type: 'tab', event: 'here', tab: me });
  });

  const join = async () => {
    const stash = takeStash(storage, stashKey);
    await locks.request(lockName, { mode: 'exclusive', ifAvailable: true }, async (alone) => {
      if (alone) await (stash ? hooks.restore(stash) : hooks.clear());
    });
    if (stopped) return;
    await new Promise<void>((registered) => {
      void locks.request(lockName, { mode: 'shared' }, () => {
        registered();
        return new Promise<void>((release) => {
          leave = release;
        });
      });
    });
    channel.post({ type: 'tab', event: 'hello', tab: me });
  };
  let joined = join().catch(() => undefined);

  const depart = () => {
    leave?.();
    leave = undefined;
    channel.post({ type: 'tab', event: 'bye', tab: me });
  };
  const onPageHide = () => {
    try {
      storage?.setItem(stashKey, JSON.stringify(hooks.snapshot()));
    } catch {
      // quota or privacy mode: a reload then starts signed out
    }
    depart();
    if (others.size === 0) hooks.clear().catch(() => undefined);
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (!event.persisted) return;
    others.clear();
    joined = join().catch(() => undefined);
  };
  const target = typeof globalThis.addEventListener === 'function' ? globalThis : undefined;
  target?.addEventListener('pagehide', onPageHide);
  target?.addEventListener('pageshow', onPageShow);

  return {
    ready: () => joined,
    stop() {
      stopped = true;
      unlisten();
      depart();
      target?.removeEventListener('pagehide', onPageHide);
      target?.removeEventListener('pageshow', onPageShow);
    },
  };
}
