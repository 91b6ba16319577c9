export type { InterceptedResponse, TokenVaultInterceptorOptions } from './interceptor.js';
export { tokenVaultInterceptor } from './interceptor.js';
export { REPLAY_LIMIT_BYTES } from './requestParts.js';
