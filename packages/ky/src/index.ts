export type {
  TokenVaultContext,
  TokenVaultHooksOptions,
  TokenVaultKyHooks,
  VersionAgnosticHook,
} from './hooks.js';
export { tokenVaultHooks } from './hooks.js';
