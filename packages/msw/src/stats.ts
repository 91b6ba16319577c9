/**
 * Counters a test reads to assert how a client behaved (one live object per server).
 */

/**
 * Error codes the mock token endpoint answers with (RFC 6749 §5.2), plus injected failures.
 *
 * @example
 * ```ts
 * const code: MockTokenErrorCode = 'invalid_grant';
 * expect(auth.stats.tokenErrors[code]).toBe(1);
 * ```
 */
export type MockTokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'injected';

/**
 * Why `protect` (or `verifyAccessToken`) refused an API request. `invalid`: not a JWT access token
 * signed by this server (JWT verification only); `wrong_audience`: its audience is not the API's.
 *
 * @example
 * ```ts
 * const reason: MockRejectionReason = 'superseded';
 * expect(auth.stats.rejectedApiRequestsByReason[reason]).toBe(0);
 * ```
 */
export type MockRejectionReason =
  | 'missing'
  | 'unknown'
  | 'expired'
  | 'revoked'
  | 'superseded'
  | 'invalid'
  | 'wrong_audience'
  | 'insufficient_scope';

/**
 * Live counters of a mock server. The object (and its nested records) is updated in place and
 * zeroed by `reset()`, so a reference stays current.
 *
 * @example
 * ```ts
 * expect(auth.stats.tokenRequests).toBe(1);
 * expect(auth.stats.tokenRequestsByGrant.refresh_token).toBe(0);
 * expect(auth.stats.rejectedApiRequestsByReason.expired).toBe(1);
 * ```
 */
export interface MockAuthStats {
  /** Every request the token endpoint received (including failed and injected ones). */
  readonly tokenRequests: number;
  /** Token requests by `grant_type`; `other` counts missing and unsupported grant types. */
  readonly tokenRequestsByGrant: Readonly<{
    client_credentials: number;
    refresh_token: number;
    authorization_code: number;
    /** `urn:ietf:params:oauth:grant-type:jwt-bearer`. */
    jwt_bearer: number;
    /** `urn:ietf:params:oauth:grant-type:token-exchange`. */
    token_exchange: number;
    other: number;
  }>;
  /** Access tokens issued by the token endpoint. */
  readonly tokensIssued: number;
  /** Refresh tokens issued by the token endpoint. */
  readonly refreshTokensIssued: number;
  /** Token endpoint error responses by `error` code (`injected` = from `failNext`). */
  readonly tokenErrors: Readonly<Record<MockTokenErrorCode, number>>;
  /** Requests that reached a `protect`ed resolver's check. */
  readonly apiRequests: number;
  /** API requests refused with 401 or 403. */
  readonly rejectedApiRequests: number;
  /** Refused API requests by reason. */
  readonly rejectedApiRequestsByReason: Readonly<Record<MockRejectionReason, number>>;
  /** Rotated refresh tokens redeemed again after the grace period (each revoked a family). */
  readonly reuseDetections: number;
}

/** The mutable form the server updates. */
export type MutableStats = {
  -readonly [K in keyof MockAuthStats]: MockAuthStats[K] extends number
    ? number
    : { -readonly [F in keyof MockAuthStats[K]]: number };
};

/** Zero every counter in place (the nested records stay the same objects). */
export function resetStats(stats: MutableStats): void {
  const zero = createStats();
  for (const key of Object.keys(zero) as (keyof MutableStats)[]) {
    const value = zero[key];
    if (typeof value === 'number') Object.assign(stats, { [key]: 0 });
    else Object.assign(stats[key], value);
  }
}

/** A zeroed stats object. */
export function createStats(): MutableStats {
  const stats: MutableStats = {
    tokenRequests: 0,
    tokenRequestsByGrant: {
      client_credentials: 0,
      refresh_token: 0,
      authorization_code: 0,
      jwt_bearer: 0,
      token_exchange: 0,
      other: 0,
    },
    tokensIssued: 0,
    refreshTokensIssued: 0,
    tokenErrors: {
      invalid_request: 0,
      invalid_client: 0,
      invalid_grant: 0,
      unauthorized_client: 0,
      unsupported_grant_type: 0,
      invalid_scope: 0,
      invalid_target: 0,
      injected: 0,
    },
    apiRequests: 0,
    rejectedApiRequests: 0,
    rejectedApiRequestsByReason: {
      missing: 0,
      unknown: 0,
      expired: 0,
      revoked: 0,
      superseded: 0,
      invalid: 0,
      wrong_audience: 0,
      insufficient_scope: 0,
    },
    reuseDetections: 0,
  };
  return stats;
}
