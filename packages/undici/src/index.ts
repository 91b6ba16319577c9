export type { TokenVaultInterceptorOptions } from './interceptor.js';
export { tokenVaultInterceptor } from './interceptor.js';
export { type InterceptedResponse, REPLAY_LIMIT_BYTES } from './requestParts.js';
