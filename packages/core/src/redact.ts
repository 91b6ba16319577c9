/**
 * The one redaction routine of tokvault: secrets out of texts and out of error graphs, so that
 * nothing a user can print shows a token, a refresh token, a client secret, a client assertion
 * or a Basic credential: `message`, `stack`, `String(error)`, `JSON.stringify(error)`,
 * `util.inspect(error, { depth: Infinity })`, `console.log(error)` and event payloads.
 *
 * What is removed from a value (see {@link redact}):
 * - every known secret (the ones passed in, plus the ones found in the graph itself: values of
 *   credential fields such as `Authorization`, `client_secret`, `refresh_token`, `password`, and
 *   credential parameters of form bodies such as axios's `config.data`), in every encoding it
 *   travels in: raw, form-encoded, percent-encoded (upper and lower case), base64, base64url,
 *   JSON-escaped; a Basic credential also as its decoded `id:secret` and secret;
 * - any `Basic …` or `Bearer …` credential in a text (also percent-encoded);
 * - live transport objects (`request`, `socket`, `agent`…: a request's raw text has its headers),
 *   `_private` fields and functions; getters are never run; binary data is replaced by its size;
 *   cycles become `'[Circular]'`, depth and size are bounded.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

const LIMIT = 12;
/** Fields of an error copied even when not enumerable (and `stack`, see `copyFields`). */
const ERROR_FIELDS = /^(?:message|name|cause|errors)$/;

/** A key, lower case, without inner `_` and `-`, tested against `pattern`. */
const keyIs = (pattern: RegExp, key: string): boolean =>
  pattern.test(key.toLowerCase().replace(/(?!^)[-_]/g, ''));
/** Keys whose values are credentials. */
const isSecretKey = (key: string): boolean =>
  keyIs(
    /^(?:(?:proxy)?authorization|(?:set)?cookie|(?:client|api)?secret|(?:access|refresh|id|subject|actor)?token|(?:client)?assertion|password|codeverifier|x?apikey)$/,
    key,
  );
/** Live transport objects (and `_private` fields): dropped, never copied. */
const isDropped = (key: string): boolean =>
  keyIs(/^(?:_.*|request|req|res|socket|agent|https?agent|connection)$/, key);

const form = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/** Unpadded base64 of the UTF-8 bytes of `value`. */
const toBase64 = (value: string): string =>
  btoa(Array.from(new TextEncoder().encode(value), (byte) => String.fromCharCode(byte)).join('')).replace(
    /=+$/,
    '',
  );

/** Every form `secret` can travel or be printed in (for a credential header: its parts too). */
function formsOf(secret: string, out: Set<string>): void {
  const [, basic, token] = /^(?:(Basic)|Bearer) +(\S+)$/i.exec(secret) ?? [];
  if (token) {
    out.add(token);
    try {
      if (basic) {
        const pair = new TextDecoder().decode(Uint8Array.from(atob(token), (c) => c.charCodeAt(0)));
        const part = pair.slice(pair.indexOf(':') + 1);
        formsOf(pair, out);
        formsOf(part, out);
        formsOf(decodeURIComponent(part.replaceAll('+', ' ')), out);
      }
    } catch {}
  }
  const json = JSON.stringify(secret).slice(1, -1);
  const base64 = toBase64(secret);
  const forms = [
    secret,
    form(secret),
    json,
    base64,
    base64.replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')),
    // JSON with non-ASCII escaped (`\u00e9`), as some servers write it.
    json.replace(/[^\0-~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {} // a lone surrogate: not percent-encodable, the form encoding covers it
  for (const value of forms) out.add(value).add(value.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  out.delete('');
}

/**
 * Own enumerable data fields (getters are never run: a socket's throw), or the entries of a
 * `Headers`, `URLSearchParams`, `FormData` or `Map`.
 */
function entriesOf(value: object): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  try {
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) out.push([key, descriptor.value]);
    }
    const iterate = (value as { entries?: unknown }).entries;
    if (!out.length && typeof iterate === 'function' && !Array.isArray(value))
      return [...(iterate.call(value) as Iterable<[unknown, unknown]>)].map(([k, v]) => [String(k), v]);
  } catch {}
  return out;
}

/** The redaction of one value: `known` secrets plus those found in `root`. */
function redactor(root: unknown, known: Iterable<string | undefined>) {
  const found = new Set<string>();
  for (const secret of known) if (secret) found.add(secret);
  const visited = new Set<unknown>();
  // Pass 1: collect the credentials the graph itself carries (fields, form bodies).
  const harvest = (value: unknown, depth: number): void => {
    if (typeof value === 'string' && /^[^\s=&]+=[^\s]*$/.test(value)) {
      for (const [key, param] of new URLSearchParams(value)) {
        if (param && (isSecretKey(key) || keyIs(/^(device)?code$/, key))) found.add(param);
      }
    }
    if (
      typeof value !== 'object' ||
      !value ||
      depth > LIMIT ||
      visited.has(value) ||
      visited.size > 100 * LIMIT
    )
      return;
    visited.add(value);
    // `{ username, password }` (axios `auth`) becomes a Basic header: raw and form-encoded.
    const entries = entriesOf(value);
    const { username, password } = Object.fromEntries(entries);
    if (typeof username === 'string' && typeof password === 'string') {
      found.add(`Basic ${toBase64(`${username}:${password}`)}`);
      found.add(`Basic ${toBase64(`${form(username)}:${form(password)}`)}`);
    }
    for (const [key, child] of entries) {
      if (isSecretKey(key) && typeof child === 'string') found.add(child);
      else if (!isDropped(key)) harvest(child, depth + 1);
    }
  };
  harvest(root, 0);
  const forms = new Set<string>();
  for (const secret of found) formsOf(secret, forms);
  // One pass, longest first: a secret that contains another one is replaced whole, and a
  // replacement is never searched again (a one-letter token would eat the marker). Any
  // `Basic`/`Bearer` credential too, keeping its scheme.
  const secretsRegExp = new RegExp(
    [
      '\\b(Basic|Bearer)(?: +|%20)[\\w+/=.~-]{8,}',
      ...[...forms]
        .sort((a, b) => b.length - a.length)
        .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    ].join('|'),
    'g',
  );
  const text = (value: string): string =>
    value.replace(secretsRegExp, (_, scheme?: string) => (scheme ? `${scheme} ${REDACTED}` : REDACTED));

  // Pass 2: copy.
  const copies = new Map<object, unknown>();
  const copy = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || !value || value instanceof Date) return value;
    if (copies.has(value)) return copies.get(value) ?? '[Circular]';
    if (depth > LIMIT || copies.size > 100 * LIMIT) return '[…]';
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    copies.set(value, undefined); // in progress: a reference back to it is a cycle
    let out: object;
    if (Array.isArray(value)) out = value.map((item) => copy(item, depth + 1));
    else if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') {
      const error = value as Error;
      out = new Error();
      delete (out as Error).stack;
      // The original's prototype keeps `instanceof`; one whose getters or methods need the
      // original's private state (`DOMException`'s `name`, a `toJSON` reading `#fields`) throws
      // when read from the copy, which then gets `Error.prototype` instead.
      Object.setPrototypeOf(out, Object.getPrototypeOf(error));
      copyFields(error, out, depth);
      if (!Object.hasOwn(out, 'message')) set(out, 'message', String(error.message), depth, false);
      try {
        `${out}${JSON.stringify(out)}`;
      } catch {
        Object.setPrototypeOf(out, Error.prototype);
      }
      if ((out as Error).name !== error.name) set(out, 'name', String(error.name), depth, false);
    } else {
      out = {};
      for (const [key, child] of entriesOf(value)) set(out, key, child, depth, true);
    }
    copies.set(value, out);
    return out;
  };
  const set = (target: object, key: string, value: unknown, depth: number, enumerable: boolean): void => {
    // `code` is a machine-readable identifier (`invalid_grant`, `ECONNREFUSED`): kept as is.
    const safe =
      isSecretKey(key) && value != null
        ? REDACTED
        : key === 'code' && typeof value === 'string'
          ? value
          : copy(value, depth + 1);
    try {
      if (isDropped(key) || typeof value === 'function') Reflect.deleteProperty(target, key);
      else
        Object.defineProperty(target, key, { value: safe, enumerable, writable: true, configurable: true });
    } catch {} // a frozen field (in place) stays as it is
  };
  /** Own data fields of `error` (enumerable ones, and `message`, `name`, `cause`, `errors`) onto `target`. */
  const copyFields = (error: Error, target: object, depth: number): void => {
    for (const key of Object.getOwnPropertyNames(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
      if (key !== 'stack' && 'value' in descriptor && (descriptor.enumerable || ERROR_FIELDS.test(key)))
        set(target, key, descriptor.value, depth, !!descriptor.enumerable);
    }
    // V8's `stack` is an accessor; a data property with the redacted text replaces it.
    if (typeof error.stack === 'string') set(target, 'stack', error.stack, depth, false);
  };
  return { text, copy, copyFields };
}

/**
 * A copy of `value` that is safe to print: strings redacted, objects and errors copied
 * recursively (own enumerable fields, plus an error's `cause` and `errors`; cycles become
 * `'[Circular]'`, depth and size are bounded), credential fields replaced by `'[redacted]'`,
 * transport objects and functions dropped. An error stays an `Error` with its `name`, redacted
 * `message` and `stack`, and its prototype when that is safe (so `instanceof` holds). The
 * original is never modified.
 *
 * @param value - anything thrown or received.
 * @param secrets - secrets known to the caller (`undefined` entries are skipped).
 * @example
 * ```ts
 * const safe = redact(axiosError, [clientSecret]);
 * console.log(safe); // no client secret, no Basic header, no form body
 * ```
 */
export function redact(value: unknown, secrets: Iterable<string | undefined> = []): unknown {
  return redactor(value, secrets).copy(value, 0);
}

/**
 * `text` with every known secret (in every encoding) and any `Basic`/`Bearer` credential
 * replaced by `'[redacted]'`.
 *
 * @example
 * ```ts
 * redactText('refresh_token=a%2Bb was rejected', ['a+b']); // 'refresh_token=[redacted] was rejected'
 * ```
 */
export function redactText(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(undefined, secrets).text(text);
}

/**
 * Make an error that must keep its identity (a `TokVaultError` that reaches callers unchanged)
 * safe to print, in place: its `message`, `stack`, `cause` and own enumerable fields are
 * replaced by their redacted copies. Fields that cannot be written are left alone.
 *
 * @example
 * ```ts
 * declare const previous: Token | undefined; // the token being refreshed
 * if (error instanceof TokVaultError) redactInPlace(error, [previous?.accessToken, previous?.refreshToken]);
 * ```
 */
export function redactInPlace(error: Error, secrets: Iterable<string | undefined>): void {
  redactor(error, secrets).copyFields(error, error, 0);
}
