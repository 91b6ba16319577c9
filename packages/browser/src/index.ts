export type { BrowserTokenStore } from './browserStore.js';
export { createBrowserStore } from './browserStore.js';
export type { DpopKeyOptions } from './dpopKey.js';
export { loadDpopKeyPair } from './dpopKey.js';
export type { BrowserStoreOptions } from './options.js';
