/** The package ships no types: the part the bench uses. */
declare module 'undici-oidc-interceptor' {
  import type { Dispatcher } from 'undici';

  export interface OidcInterceptorOptions {
    idpTokenUrl: string;
    clientId: string;
    clientSecret?: string;
    refreshToken?: string;
    accessToken?: string;
    urls?: string[];
    retryOnStatusCodes?: number[];
  }

  export function createOidcInterceptor(
    options: OidcInterceptorOptions,
  ): Dispatcher.DispatcherComposeInterceptor;
}
