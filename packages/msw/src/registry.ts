/**
 * The mock server's memory: issued access and refresh tokens, refresh-token families, and the
 * state changes the controls (`expireAll`, `revokeAll`, …) make to them.
 */

/**
 * The state of an issued token at a given time.
 *
 * @example
 * ```ts
 * const status: MockTokenStatus | undefined = auth.introspect(token)?.status; // 'active', 'expired', …
 * ```
 */
export type MockTokenStatus = 'active' | 'expired' | 'revoked' | 'superseded' | 'rotated';

/**
 * What the mock server knows about an issued token (see `introspect`). Never includes the token.
 *
 * @example
 * ```ts
 * expect(auth.introspect(token.accessToken)?.status).toBe('superseded');
 * ```
 */
export interface MockTokenInfo {
  /** Access or refresh token. */
  readonly kind: 'access' | 'refresh';
  /** The client it was issued to. */
  readonly clientId: string;
  /** Granted scopes. */
  readonly scopes: readonly string[];
  /** The `audience` (or `resource`) requested with the grant, if any. */
  readonly audience: string | undefined;
  /** The end user of an authorization-code grant; `undefined` for `client_credentials`. */
  readonly sub: string | undefined;
  /** The acting party of a token exchange with an `actor_token` (its `sub` or client id). */
  readonly actor: string | undefined;
  /** Epoch ms of issue. */
  readonly issuedAt: number;
  /** Epoch ms of expiry; `undefined` = never. */
  readonly expiresAt: number | undefined;
  /** The state now: `expired` once the clock passed `expiresAt`. */
  readonly status: MockTokenStatus;
}

/** The fields shared by a grant's access and refresh tokens. */
export interface Grant {
  clientId: string;
  scopes: readonly string[];
  audience: string | undefined;
  /** The end user (authorization-code grants); `undefined` for a client acting for itself. */
  sub?: string | undefined;
  /** The acting party (token exchange with an `actor_token`). */
  actor?: string | undefined;
  /** DPoP: the thumbprint of the key the token is bound to (`cnf.jkt`). */
  jkt?: string | undefined;
}

interface TokenRecord extends Grant {
  kind: 'access' | 'refresh';
  issuedAt: number;
  expiresAt: number | undefined;
  status: 'active' | 'revoked' | 'superseded' | 'rotated';
  rotatedAt: number | undefined;
  familyId: number | undefined;
}

/** Why a presented access token was refused. */
export type AccessRejection = 'unknown' | 'expired' | 'revoked' | 'superseded';

/** `bytes` random bytes as hex. */
export function randomHex(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Token storage for one mock server. */
export class Registry {
  readonly #tokens = new Map<string, TokenRecord>();
  /** Access tokens still `active` per client: what `singleActiveToken` supersedes. */
  readonly #activeByClient = new Map<string, Set<TokenRecord>>();
  readonly #families = new Map<number, Set<TokenRecord>>();
  #nextFamily = 1;

  /** Mint an access token; with `supersede`, earlier access tokens of the client stop working. */
  issueAccess(
    grant: Grant,
    now: number,
    ttlMs: number,
    familyId: number | undefined,
    supersede: boolean,
    token = `mock_at_${randomHex(16)}`,
  ): string {
    const active = this.#activeByClient.get(grant.clientId) ?? new Set<TokenRecord>();
    this.#activeByClient.set(grant.clientId, active);
    if (supersede) {
      for (const record of active) if (record.status === 'active') record.status = 'superseded';
      active.clear();
    }
    const record = this.#record('access', grant, now, now + ttlMs, familyId);
    active.add(record);
    return this.#store(token, record);
  }

  /** A new refresh-token family id. */
  newFamily(): number {
    return this.#nextFamily++;
  }

  /** Mint a refresh token in `familyId`. */
  issueRefresh(grant: Grant, now: number, ttlMs: number | undefined, familyId: number): string {
    const record = this.#record(
      'refresh',
      grant,
      now,
      ttlMs === undefined ? undefined : now + ttlMs,
      familyId,
    );
    return this.#store(`mock_rt_${randomHex(24)}`, record);
  }

  /** Why `token` is not a usable access token now, or its grant if it is. */
  checkAccess(token: string, now: number): { grant: Grant } | { rejection: AccessRejection } {
    const record = this.#tokens.get(token);
    if (record?.kind !== 'access') return { rejection: 'unknown' };
    const status = statusOf(record, now);
    if (status === 'active') return { grant: record };
    return { rejection: status === 'rotated' ? 'revoked' : status };
  }

  /** The refresh token's record (mutable: the token endpoint rotates it). */
  refreshRecord(token: string): (Readonly<TokenRecord> & { familyId: number }) | undefined {
    const record = this.#tokens.get(token);
    return record?.kind === 'refresh' ? (record as TokenRecord & { familyId: number }) : undefined;
  }

  /** Mark a redeemed refresh token as rotated. */
  rotate(token: string, now: number): void {
    const record = this.#tokens.get(token);
    if (record && record.status === 'active') {
      record.status = 'rotated';
      record.rotatedAt = now;
    }
  }

  /** Revoke every token of a refresh-token family (reuse detected). */
  revokeFamily(familyId: number): void {
    for (const record of this.#families.get(familyId) ?? []) record.status = 'revoked';
  }

  /** Revoke one token (and, for a refresh token, its family). Returns whether it was known. */
  revoke(token: string): boolean {
    const record = this.#tokens.get(token);
    if (!record) return false;
    if (record.kind === 'refresh' && record.familyId !== undefined) this.revokeFamily(record.familyId);
    record.status = 'revoked';
    return true;
  }

  /** Every issued access token expires now (refresh tokens stay valid). */
  expireAll(now: number): void {
    for (const record of this.#tokens.values()) {
      if (record.kind === 'access' && (record.expiresAt === undefined || record.expiresAt > now)) {
        record.expiresAt = now;
      }
    }
  }

  /** Revoke every access and refresh token issued so far. */
  revokeAll(): void {
    for (const record of this.#tokens.values()) record.status = 'revoked';
    this.#activeByClient.clear();
  }

  /** Public view of a token, or `undefined` if the server never issued it. */
  info(token: string, now: number): MockTokenInfo | undefined {
    const record = this.#tokens.get(token);
    if (!record) return undefined;
    const { kind, clientId, scopes, audience, sub, actor, issuedAt, expiresAt } = record;
    return Object.freeze({
      kind,
      clientId,
      scopes,
      audience,
      sub,
      actor,
      issuedAt,
      expiresAt,
      status: statusOf(record, now),
    });
  }

  /** Forget everything. */
  clear(): void {
    this.#tokens.clear();
    this.#activeByClient.clear();
    this.#families.clear();
    this.#nextFamily = 1;
  }

  #record(
    kind: TokenRecord['kind'],
    grant: Grant,
    now: number,
    expiresAt: number | undefined,
    familyId: number | undefined,
  ): TokenRecord {
    const { clientId, scopes, audience, sub, actor, jkt } = grant;
    return {
      jkt,
      kind,
      clientId,
      sub,
      actor,
      scopes: Object.freeze([...scopes]),
      audience,
      issuedAt: now,
      expiresAt,
      status: 'active',
      rotatedAt: undefined,
      familyId,
    };
  }

  #store(token: string, record: TokenRecord): string {
    this.#tokens.set(token, record);
    if (record.familyId !== undefined) {
      const family = this.#families.get(record.familyId) ?? new Set<TokenRecord>();
      this.#families.set(record.familyId, family);
      family.add(record);
    }
    return token;
  }
}

function statusOf(record: TokenRecord, now: number): MockTokenStatus {
  if (record.status !== 'active') return record.status;
  return record.expiresAt !== undefined && now >= record.expiresAt ? 'expired' : 'active';
}
