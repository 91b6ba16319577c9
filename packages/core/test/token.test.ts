import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createToken } from '../src/index.js';

const token = createToken({
  accessToken: 'access-secret',
  tokenType: 'Bearer',
  expiresAt: Date.UTC(2030, 0, 1),
  refreshToken: 'refresh-secret',
  raw: { access_token: 'access-secret', refresh_token: 'refresh-secret' },
});

describe('Token hides its secrets', () => {
  it('toJSON redacts the access and refresh tokens and drops raw', () => {
    expect(JSON.parse(JSON.stringify(token))).toEqual({
      tokenType: 'Bearer',
      expiresAt: Date.UTC(2030, 0, 1),
      accessToken: '[redacted]',
      refreshToken: '[redacted]',
    });
    expect(JSON.stringify({ nested: [token] })).not.toContain('secret');
  });

  it('util.inspect and console formatting show no secret', () => {
    for (const text of [
      inspect(token),
      inspect({ token }, { depth: 5 }),
      inspect(token, { showHidden: true }),
    ]) {
      expect(text).not.toContain('secret');
      expect(text).toContain('[redacted]');
    }
  });

  it('toString and template literals show the scheme and expiry only', () => {
    expect(String(token)).toBe('Token(Bearer, 2030-01-01T00:00:00.000Z)');
    expect(`${createToken({ accessToken: 'x-secret', tokenType: 'DPoP' })}`).toBe('Token(DPoP, no expiry)');
  });

  it('a token without a refresh token does not mention one', () => {
    const plain = createToken({ accessToken: 'x-secret', tokenType: 'Bearer' });
    expect(JSON.parse(JSON.stringify(plain))).toEqual({ tokenType: 'Bearer', accessToken: '[redacted]' });
    expect('refreshToken' in plain).toBe(false);
  });

  it('is frozen and still reads like a plain object', () => {
    expect(Object.isFrozen(token)).toBe(true);
    expect(token.accessToken).toBe('access-secret');
    expect({ ...token }).toMatchObject({ accessToken: 'access-secret', refreshToken: 'refresh-secret' });
    expect(() => {
      (token as { accessToken: string }).accessToken = 'changed';
    }).toThrow(TypeError);
  });
});
