/**
 * How a token is written to Redis: JSON without absolute times (the key's TTL carries the expiry),
 * optionally sealed with AES-256-GCM bound to its key name.
 */
import type { StoredToken } from '@tokvault/core';

const SEALED = 'tv1.';
const IV_BYTES = 12;

interface Payload {
  /** access token */
  a: string;
  /** token type */
  t: string;
  /** refresh token */
  r?: string;
  /** refresh hint, ms before expiry (tokens with an expiry) */
  h?: number;
  /** refresh hint, epoch ms (tokens without an expiry) */
  at?: number;
}

/** Encodes and decodes stored tokens, sealing them when a key is given. */
export interface Codec {
  encode(token: StoredToken, redisKey: string): Promise<string>;
  /** `undefined` for a value that is not ours or does not decrypt. */
  decode(value: string, redisKey: string, expiresAt: number | undefined): Promise<StoredToken | undefined>;
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A codec, sealing with `key` (32 raw bytes or an AES-GCM CryptoKey) when given. */
export function createCodec(key: CryptoKey | Uint8Array<ArrayBuffer> | undefined): Codec {
  let cryptoKey: Promise<CryptoKey> | undefined;
  const subtle = () => globalThis.crypto.subtle;
  const getKey = () => {
    if (key === undefined) throw new Error('no key');
    cryptoKey ??=
      key instanceof Uint8Array
        ? subtle().importKey('raw', key, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
        : Promise.resolve(key);
    return cryptoKey;
  };
  const aad = (redisKey: string) => new TextEncoder().encode(redisKey);

  return {
    async encode(token, redisKey) {
      const payload: Payload = { a: token.accessToken, t: token.tokenType };
      if (token.refreshToken !== undefined) payload.r = token.refreshToken;
      if (token.refreshAt !== undefined) {
        if (token.expiresAt === undefined) payload.at = token.refreshAt;
        else payload.h = token.expiresAt - token.refreshAt;
      }
      const json = JSON.stringify(payload);
      if (key === undefined) return json;
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await subtle().encrypt(
        { name: 'AES-GCM', iv, additionalData: aad(redisKey) },
        await getKey(),
        new TextEncoder().encode(json),
      );
      const out = new Uint8Array(IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), IV_BYTES);
      return SEALED + toBase64(out);
    },
    async decode(value, redisKey, expiresAt) {
      let json = value;
      if (key !== undefined) {
        if (!value.startsWith(SEALED)) return undefined;
        const bytes = Buffer.from(value.slice(SEALED.length), 'base64');
        try {
          const plain = await subtle().decrypt(
            { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: aad(redisKey) },
            await getKey(),
            bytes.subarray(IV_BYTES),
          );
          json = new TextDecoder().decode(plain);
        } catch {
          return undefined;
        }
      }
      let p: Partial<Payload>;
      try {
        p = JSON.parse(json) as Partial<Payload>;
      } catch {
        return undefined;
      }
      if (typeof p?.a !== 'string' || p.a === '' || typeof p.t !== 'string') return undefined;
      const refreshAt =
        expiresAt !== undefined && typeof p.h === 'number'
          ? expiresAt - p.h
          : typeof p.at === 'number'
            ? p.at
            : undefined;
      return { accessToken: p.a, tokenType: p.t, expiresAt, refreshAt, refreshToken: p.r };
    },
  };
}
