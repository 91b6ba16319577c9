/** Invalid options throw a TypeError naming the option; outside browsers, IndexedDB is required. */
import { describe, expect, it } from 'vitest';
import { type BrowserStoreOptions, createBrowserStore } from '../src/index.js';
import { tabs } from './support.js';

describe('createBrowserStore options', () => {
  const group = tabs();
  const base: BrowserStoreOptions = { indexedDB: group.indexedDB };

  it.each([
    ['namespace', { namespace: '' }],
    ['lockTimeoutMs', { lockTimeoutMs: 0 }],
    ['lockTimeoutMs', { lockTimeoutMs: Number.POSITIVE_INFINITY }],
    ['clearOnLastTabClose', { clearOnLastTabClose: 'yes' }],
    ['locks', { locks: {} }],
  ])('rejects a bad "%s"', (option, bad) => {
    expect(() => createBrowserStore({ ...base, ...(bad as BrowserStoreOptions) })).toThrow(
      new RegExp(`^createBrowserStore: option "${option}"`),
    );
    expect(() => createBrowserStore({ ...base, ...(bad as BrowserStoreOptions) })).toThrow(TypeError);
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    const options = { ...base, nameSpace: 'admin' } as BrowserStoreOptions;
    expect(() => createBrowserStore(options)).toThrow(
      new TypeError(
        'createBrowserStore: unknown option "nameSpace" (known: namespace, lockTimeoutMs, clearOnLastTabClose, locks, indexedDB)',
      ),
    );
  });

  it('rejects a non-object', () => {
    expect(() => createBrowserStore(null as unknown as BrowserStoreOptions)).toThrow(TypeError);
  });

  it('without IndexedDB (a server) says to pass one or use the memory store', () => {
    expect(() => createBrowserStore()).toThrow(/option "indexedDB".*createMemoryStore/);
  });

  it('a closed store refuses work and stays closed', async () => {
    const store = group.open();
    store[Symbol.dispose]();
    store.close();
    await expect(store.get('k')).rejects.toThrow(/closed/);
    await expect(store.withLock('k', async () => 1)).rejects.toThrow(/closed/);
    await expect(store.delete('k')).rejects.toThrow(/closed/);
  });
});
