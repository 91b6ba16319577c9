export type { AttachTokenVaultOptions } from './attachTokenVault.js';
export { attachTokenVault } from './attachTokenVault.js';
export { getAxiosError } from './refreshFailure.js';
