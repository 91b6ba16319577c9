export type { LoginOptions } from './authorizationCode.js';
export type { MockDpopControls, MockDpopOptions, MockDpopStats } from './dpop.js';
export type { FailNextOptions } from './failures.js';
export type { ListenOptions, MockAuthHttpServer } from './listen.js';
export type { IssueTokenOptions, MockAuthServer } from './mockAuthServer.js';
export { createMockAuthServer } from './mockAuthServer.js';
export type { MockAuthServerOptions, MockClient, MockClientAuthMethod, MockGrantType } from './options.js';
export type { MockAuthInfo, Protect, ProtectedResolver, ProtectOptions } from './protect.js';
export type { MockTokenInfo, MockTokenStatus } from './registry.js';
export type { MockAuthStats, MockRejectionReason, MockTokenErrorCode } from './stats.js';
export type {
  AccessTokenVerification,
  RejectedAccessToken,
  VerifiedAccessToken,
  VerifyAccessTokenOptions,
} from './verifyAccessToken.js';
