/**
 * Node.js test setup: Node 24's own Web Locks (`navigator.locks`, a real implementation shared by
 * the whole process), Node's BroadcastChannel, and fake-indexeddb as the IndexedDB engine.
 * Every call to `stores()` gets a fresh database namespace, shared by its "tabs".
 */
import type { StoreContractSubject } from '@tokvault/testkit';
import { IDBFactory } from 'fake-indexeddb';
import { type BrowserStoreOptions, type BrowserTokenStore, createBrowserStore } from '../src/index.js';

let counter = 0;

/** A factory of store "tabs" that share one namespace and one IndexedDB. */
export function tabs(options: BrowserStoreOptions = {}) {
  counter += 1;
  const shared = {
    namespace: `node-test-${process.pid}-${counter}`,
    indexedDB: new IDBFactory(),
    ...options,
  };
  const opened: BrowserTokenStore[] = [];
  return {
    namespace: shared.namespace,
    indexedDB: shared.indexedDB,
    open(extra: BrowserStoreOptions = {}): BrowserTokenStore {
      const store = createBrowserStore({ ...shared, ...extra });
      opened.push(store);
      return store;
    },
    closeAll(): void {
      for (const store of opened.splice(0)) store.close();
    },
  };
}

/** A contract subject: a store and a peer "tab" on one namespace. */
export async function contractSubject(options: BrowserStoreOptions = {}): Promise<StoreContractSubject> {
  const group = tabs(options);
  return { store: group.open(), peer: async () => group.open(), cleanup: async () => group.closeAll() };
}
