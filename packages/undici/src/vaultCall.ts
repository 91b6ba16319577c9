/**
 * The calls this package makes to a vault, marked (AsyncLocalStorage) so that the requests the
 * token source makes meanwhile pass the interceptor untouched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TokenVault } from '@tokvault/core';

const current = new AsyncLocalStorage<TokenVault>();

/** Whether this runs inside a call of this package to `vault`. */
export const insideVaultCall = (vault: TokenVault): boolean => current.getStore() === vault;

/** Run `fn` as a call of this package to `vault`. */
export const callVault = <T>(vault: TokenVault, fn: () => Promise<T>): Promise<T> => current.run(vault, fn);
