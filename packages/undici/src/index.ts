export { tokenVaultInterceptor } from './interceptor.js';
export {
  type InterceptedResponse,
  REPLAY_LIMIT_BYTES,
  type TokenVaultInterceptorOptions,
} from './requestParts.js';
