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
 * - any `Basic …` or `Bearer …` credential in a text;
 * - live transport objects (`request`, `socket`, `agent`…: a request's raw text has its headers)
 *   and functions; binary data is replaced by its size.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** Keys whose values are credentials (lower case, without `_` and `-`). */
const SECRET_KEY =
  /^(?:(?:proxy)?authorization|(?:set)?cookie|(?:client|api)?secret|(?:access|refresh|id|subject|actor)?token|(?:client)?assertion|password|codeverifier|x?apikey)$/;
/** Form parameters that are credentials besides those: authorization and device codes. */
const SECRET_PARAM = /^(?:device)?code$/;
/** Live transport objects: dropped, never copied. */
const DROPPED = /^(?:request|socket|agent|https?agent|_currentrequest|_redirectable|connection)$/;
/** A credential in free text. */
const CREDENTIAL = /\b(Basic|Bearer) +[\w+/=.~-]{8,}/g;
/** Hidden fields of an error that are copied too. */
const ERROR_FIELDS = ['message', 'name', 'cause', 'errors'];
const MAX_DEPTH = 12;
const MAX_NODES = 2000;

const norm = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');
const form = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
const escapeJson = (value: string): string => JSON.stringify(value).slice(1, -1);
const lowerHex = (value: string): string => value.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());

function base64(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, '');
}

/** Every form `secret` can travel or be printed in (for a credential header: its parts too). */
function formsOf(secret: string, out: Set<string>): void {
  const credential = /^(Basic|Bearer) +(\S+)$/i.exec(secret);
  if (credential) {
    const token = credential[2]!;
    out.add(token);
    if (credential[1]!.toLowerCase() === 'basic') {
      try {
        const pair = new TextDecoder().decode(Uint8Array.from(atob(token), (c) => c.charCodeAt(0)));
        const secretPart = pair.slice(pair.indexOf(':') + 1);
        formsOf(pair, out);
        formsOf(secretPart, out);
        formsOf(decodeURIComponent(secretPart.replaceAll('+', ' ')), out);
      } catch {}
    }
  }
  const encoded = [secret, form(secret), lowerHex(form(secret)), escapeJson(secret), base64(secret)];
  encoded.push(encoded[4]!.replaceAll('+', '-').replaceAll('/', '_'));
  encoded.push(
    escapeJson(secret).replace(/[^\0-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  try {
    encoded.push(encodeURIComponent(secret), lowerHex(encodeURIComponent(secret)));
  } catch {} // a lone surrogate: not percent-encodable, the form encoding covers it
  for (const value of encoded) if (value) out.add(value);
}

/** The redaction of one value: `known` secrets plus those found in `root`. */
function redactor(root: unknown, known: Iterable<string | undefined>) {
  const found = new Set<string>();
  for (const secret of known) if (secret) found.add(secret);

  // Pass 1: collect the credentials the graph itself carries.
  const seen = new Set<unknown>();
  const harvestText = (text: string): void => {
    if (/=/.test(text) && !/\s/.test(text.trim())) {
      for (const [key, value] of new URLSearchParams(text)) {
        if (value && (SECRET_KEY.test(norm(key)) || SECRET_PARAM.test(norm(key)))) found.add(value);
      }
    }
    if (/^\s*[{[]/.test(text)) {
      try {
        harvest(JSON.parse(text), 0);
      } catch {}
    }
  };
  const harvest = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      harvestText(value);
      return;
    }
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return;
    if (seen.size > MAX_NODES) return;
    seen.add(value);
    for (const [key, child] of entriesOf(value)) {
      if (DROPPED.test(norm(key))) continue;
      if (SECRET_KEY.test(norm(key)) && typeof child === 'string' && child) found.add(child);
      else harvest(child, depth + 1);
    }
  };
  harvest(root, 0);

  const forms = new Set<string>();
  for (const secret of found) formsOf(secret, forms);
  // Longest first: a secret that contains another one is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const text = (value: string): string => {
    let out = value.replace(CREDENTIAL, `$1 ${REDACTED}`);
    for (const secret of ordered) out = out.split(secret).join(REDACTED);
    return out;
  };

  // Pass 2: copy.
  const copies = new Map<object, unknown>();
  let nodes = 0;
  const copy = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value === 'function') return undefined;
    if (typeof value !== 'object' || value === null) return value;
    if (copies.has(value)) return copies.get(value) ?? '[Circular]';
    if (depth > MAX_DEPTH || ++nodes > MAX_NODES) return '[…]';
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return `[${value.constructor.name} ${value.byteLength} bytes]`;
    }
    if (value instanceof Date) return value;
    copies.set(value, undefined); // in progress: a reference back to it is a cycle
    let out: Record<string, unknown>;
    if (Array.isArray(value)) {
      out = value.map((item) => copy(item, depth + 1)) as unknown as Record<string, unknown>;
    } else if (isError(value)) {
      out = copyError(value, depth);
    } else {
      out = {};
      for (const [key, child] of entriesOf(value)) setField(out, key, child, depth, true);
    }
    copies.set(value, out);
    return out;
  };
  const setField = (
    target: object,
    key: string,
    value: unknown,
    depth: number,
    enumerable: boolean,
  ): void => {
    const drop = DROPPED.test(norm(key)) || typeof value === 'function';
    const safe = SECRET_KEY.test(norm(key)) && value != null ? REDACTED : copy(value, depth + 1);
    try {
      if (drop) Reflect.deleteProperty(target, key);
      else
        Object.defineProperty(target, key, { value: safe, enumerable, writable: true, configurable: true });
    } catch {} // a frozen field (in place) stays as it is
  };
  /** Own data fields of `error` (enumerable ones, and `message`, `name`, `cause`, `errors`) onto `target`. */
  const copyFields = (error: Error, target: object, depth: number): void => {
    for (const key of Object.getOwnPropertyNames(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
      if (key === 'stack' || !('value' in descriptor)) continue;
      const { enumerable = false } = descriptor;
      if (enumerable || ERROR_FIELDS.includes(key))
        setField(target, key, descriptor.value, depth, enumerable);
    }
    // V8's `stack` is an accessor; a data property with the redacted text replaces it.
    if (typeof error.stack === 'string') setField(target, 'stack', error.stack, depth, false);
  };
  const copyError = (error: Error, depth: number): Record<string, unknown> => {
    const out = new Error() as unknown as Record<string, unknown>;
    delete out.stack;
    Object.setPrototypeOf(out, safePrototype(error));
    copyFields(error, out, depth);
    if (!Object.hasOwn(out, 'message')) setField(out, 'message', String(error.message), depth, false);
    if (out.name !== error.name) setField(out, 'name', String(error.name), depth, false);
    // A prototype method that reads private state of the original (toJSON, toString) would throw.
    try {
      String(out);
      JSON.stringify(out);
    } catch {
      Object.setPrototypeOf(out, Error.prototype);
    }
    return out;
  };
  return { text, copy, copyFields };
}

function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/**
 * The original's prototype when it is plain data and methods (so `instanceof` still holds),
 * else `Error.prototype`: getters (e.g. `DOMException`'s `name`) and custom `util.inspect`
 * would read state the copy does not have.
 */
function safePrototype(error: Error): object {
  const prototype = Object.getPrototypeOf(error) as object | null;
  for (let p = prototype; p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    const descriptors = Object.getOwnPropertyDescriptors(p);
    const accessor = Reflect.ownKeys(descriptors).some(
      (key) => !('value' in descriptors[key as string]!) || key === Symbol.for('nodejs.util.inspect.custom'),
    );
    if (accessor || p === Object.prototype) return Error.prototype;
  }
  return prototype ?? Error.prototype;
}

/** Own enumerable fields, or the entries of a `Headers`, `URLSearchParams`, `FormData` or `Map`. */
function entriesOf(value: object): Array<[string, unknown]> {
  const entries = Object.entries(value);
  const iterate = (value as { entries?: unknown }).entries;
  if (entries.length === 0 && typeof iterate === 'function' && !Array.isArray(value)) {
    try {
      return [...(iterate.call(value) as Iterable<[unknown, unknown]>)].map(([k, v]) => [String(k), v]);
    } catch {}
  }
  return entries;
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
 * redactInPlace(error, [previous?.refreshToken]);
 * ```
 */
export function redactInPlace(error: Error, secrets: Iterable<string | undefined>): void {
  redactor(error, secrets).copyFields(error, error, 0);
}
