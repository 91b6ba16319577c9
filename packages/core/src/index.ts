export { abortable, sleep } from './abort.js';
export type { AdapterOptions, ResolvedAdapterOptions } from './adapter.js';
export {
  formatAuthHeader,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  resolveAdapterOptions,
} from './adapter.js';
export type { TokenRefreshErrorOptions } from './errors.js';
export { RefreshTimeoutError, TokenRefreshError, TokVaultError, VaultClosedError } from './errors.js';
export type { RefreshReason, VaultEventMap, VaultEventType, VaultListener } from './events.js';
export { DEFAULT_MARGIN_MS, DEFAULT_WINDOW_MS } from './expiry.js';
export type { FetchToken, FetchTokenContext, TokenVaultOptions } from './options.js';
export type { RetryOptions } from './retry.js';
export type { StoredToken, TokenStore, TokenStoreLock, WithLockOptions } from './store.js';
export { createMemoryStore } from './store.js';
export type { Token, TokenInit, TokenResponse } from './token.js';
export { createToken } from './token.js';
export type { GetTokenOptions, RefreshOptions, TokenVault } from './vault.js';
export { createTokenVault } from './vault.js';
