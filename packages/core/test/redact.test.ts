import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TokenRefreshError } from '../src/index.js';
import { REDACTED, redact, redactInPlace, redactText } from '../src/redact.js';

const SECRET = 'p@ss w+rd/=é%';
const everything = (value: unknown) =>
  [String(value), JSON.stringify(value), inspect(value, { depth: Number.POSITIVE_INFINITY })].join('\n');

describe('redactText', () => {
  it('replaces a secret in every encoding it travels in', () => {
    const form = new URLSearchParams({ v: SECRET }).toString().slice(2);
    const percent = encodeURIComponent(SECRET);
    const base64 = Buffer.from(SECRET).toString('base64').replace(/=+$/, '');
    const text = [SECRET, form, percent, percent.toLowerCase(), base64, JSON.stringify(SECRET)].join(' ');
    const out = redactText(text, [SECRET]);
    expect(out).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} "${REDACTED}"`);
  });

  it('replaces Basic and Bearer credentials (also percent-encoded) and the parts of a known Basic header', () => {
    const basic = `Basic ${Buffer.from(`app:${SECRET}`).toString('base64')}`;
    expect(redactText(`sent ${basic}, then Bearer%20abcdefgh12`, [])).toBe(
      `sent Basic ${REDACTED}, then Bearer ${REDACTED}`,
    );
    expect(redactText(`the server says app:${SECRET}`, [basic])).toBe(`the server says ${REDACTED}`);
  });

  it('replaces in one pass: a one-letter token does not eat the marker', () => {
    expect(redactText('a token abc and a', ['abc', 'a'])).toBe(
      `${REDACTED} token ${REDACTED} ${REDACTED}nd ${REDACTED}`,
    );
  });
});

describe('redact (a safe copy)', () => {
  it('copies an error graph: prototype, name, code, causes and errors kept; the original untouched', () => {
    class HttpError extends Error {
      override name = 'HttpError';
      status = 400;
    }
    const inner = new AggregateError([new Error(`connect ${SECRET}`)], '');
    const original = Object.assign(new HttpError(`failed with ${SECRET}`, { cause: inner }), {
      code: 'ERR_BAD',
      config: {
        headers: { Authorization: 'Basic Zm9vOmJhcg==', Accept: 'json' },
        data: 'client_secret=other%2Bsecret',
      },
      request: { socket: 'live' },
      _internal: 'hidden',
      callback: () => SECRET,
      bytes: new Uint8Array(4),
      when: new Date(0),
    });
    const copy = redact(original, [SECRET]) as HttpError & Record<string, unknown>;
    expect(copy).not.toBe(original);
    expect(copy).toBeInstanceOf(HttpError);
    expect(copy).toMatchObject({ name: 'HttpError', status: 400, code: 'ERR_BAD', bytes: '[4 bytes]' });
    expect(copy.message).toBe(`failed with ${REDACTED}`);
    expect(copy.config).toEqual({
      headers: { Authorization: REDACTED, Accept: 'json' },
      data: `client_secret=${REDACTED}`,
    });
    expect(copy).not.toHaveProperty('request');
    expect(copy).not.toHaveProperty('_internal');
    expect(copy).not.toHaveProperty('callback');
    expect((copy.cause as AggregateError).errors[0].message).toBe(`connect ${REDACTED}`);
    expect(everything(copy)).not.toContain(SECRET);
    expect(original.message).toContain(SECRET); // untouched
  });

  it('finds credentials in the graph itself: form bodies, credential fields, axios auth, Headers', () => {
    const token = 'r3fresh-T0ken';
    const error = Object.assign(new Error(`echo: ${token} / other-secret / ${'u'}:pw-secret-1`), {
      body: `grant_type=refresh_token&refresh_token=${token}`,
      options: { password: 'other-secret', headers: new Headers({ 'x-api-key': 'k3y-secret' }) },
      auth: { username: 'u', password: 'pw-secret-1' },
    });
    const text = everything(redact(error));
    for (const secret of [token, 'other-secret', 'k3y-secret', 'pw-secret-1'])
      expect(text).not.toContain(secret);
  });

  it('handles cycles, depth, getters and prototypes that need the original', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const getter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter ran');
      },
    });
    const copy = redact({ cyclic, deep, getter }) as Record<string, Record<string, unknown>>;
    expect(copy.cyclic?.self).toBe('[Circular]');
    expect(JSON.stringify(copy)).toContain('[…]');
    expect(copy.getter).toEqual({});

    const abort = redact(new DOMException('stopped', 'AbortError')) as Error;
    expect(abort).toBeInstanceOf(Error);
    expect(abort).toMatchObject({ name: 'AbortError', message: 'stopped' });
    expect(() => inspect(abort)).not.toThrow();

    class Private extends Error {
      #secret = SECRET;
      toJSON() {
        return { secret: this.#secret };
      }
    }
    const copied = redact(new Private('p')) as Error;
    expect(Object.getPrototypeOf(copied)).toBe(Error.prototype);
    expect(JSON.stringify(copied)).not.toContain(SECRET);
    expect(redact(`a ${SECRET}`, [SECRET])).toBe(`a ${REDACTED}`);
    expect(redact(null)).toBeNull();
  });
});

describe('redactInPlace', () => {
  it('keeps the instance and its fields, redacting message, stack, cause and own fields', () => {
    const error = new TokenRefreshError(`refresh token ${SECRET} revoked`, {
      cause: Object.assign(new Error(SECRET), { config: { data: 'x' } }),
      retryable: false,
      code: 'invalid_grant',
    });
    Object.assign(error, { detail: `see ${SECRET}`, request: {} });
    redactInPlace(error, [SECRET]);
    expect(error).toMatchObject({ retryable: false, code: 'invalid_grant', detail: `see ${REDACTED}` });
    expect(error).not.toHaveProperty('request');
    expect(everything(error)).not.toContain(SECRET);

    const frozen = Object.freeze(new Error(SECRET));
    expect(() => redactInPlace(frozen, [SECRET])).not.toThrow();
  });
});
