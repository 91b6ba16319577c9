/**
 * Cross-tab wake-ups over BroadcastChannel. Messages carry only names, never a token: a tab
 * that hears "changed" re-reads IndexedDB, the single source of truth.
 */

/** A message between tabs (and between stores of one tab). */
export type TabMessage =
  | { type: 'changed'; key: string }
  | { type: 'released'; lock: string }
  | { type: 'tab'; event: 'hello' | 'here' | 'bye'; tab: string };

/** A BroadcastChannel wrapper that also delivers to listeners of this same instance. */
export interface TabChannel {
  /** Deliver to this instance's listeners and to every other instance on the channel. */
  post(message: TabMessage): void;
  /** Listen; returns an unsubscribe function. */
  listen(listener: (message: TabMessage) => void): () => void;
  /** Stop delivering. */
  close(): void;
}

function isTabMessage(value: unknown): value is TabMessage {
  const message = value as Partial<Record<'type' | 'key' | 'lock' | 'event' | 'tab', unknown>> | null;
  if (typeof message !== 'object' || message === null) return false;
  if (message.type === 'changed') return typeof message.key === 'string';
  if (message.type === 'tab') return typeof message.tab === 'string' && typeof message.event === 'string';
  return message.type === 'released' && typeof message.lock === 'string';
}

/** Open the channel `name`; without BroadcastChannel, only local listeners are reached. */
export function openChannel(name: string): TabChannel {
  const listeners = new Set<(message: TabMessage) => void>();
  const deliver = (message: TabMessage) => {
    for (const listener of [...listeners]) listener(message);
  };
  const Channel = globalThis.BroadcastChannel;
  const channel = typeof Channel === 'function' ? new Channel(name) : undefined;
  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isTabMessage(event.data)) deliver(event.data);
    };
    // Node.js: a listening channel must not keep the process alive.
    (channel as { unref?: () => void }).unref?.();
  }
  let closed = false;
  return {
    post(message) {
      if (closed) return;
      channel?.postMessage(message);
      queueMicrotask(() => deliver(message));
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      channel?.close();
    },
  };
}
