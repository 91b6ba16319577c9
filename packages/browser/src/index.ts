export type { BrowserTokenStore } from './browserStore.js';
export { createBrowserStore } from './browserStore.js';
export type { BrowserStoreOptions } from './options.js';
