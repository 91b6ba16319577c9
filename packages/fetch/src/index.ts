export type { AuthFetch, AuthFetchInit, AuthFetchOptions } from './authFetch.js';
export { createAuthFetch } from './authFetch.js';
