/**
 * What may be sent in an HTTP header value: the one check shared by token normalisation (an
 * `accessToken` or `tokenType` that cannot be sent never enters the vault) and the adapters'
 * `formatHeader` check.
 */

/**
 * A header value (RFC 9110 field value, ASCII only): visible characters, with spaces and tabs
 * only between them.
 */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;
/** One header word (an access token, a scheme): visible ASCII, no whitespace at all. */
const HEADER_WORD = /^[\x21-\x7e]+$/;

/**
 * What is wrong with `value` as a header value, or `undefined` if it can be sent as is. With
 * `word`, whitespace is refused too (an access token or a scheme is one word). The answer never
 * quotes the value (it holds a secret).
 *
 * @example
 * ```ts
 * headerValueFault('Bearer abc', false); // undefined
 * headerValueFault('abc\r\nX-Evil: 1', true); // 'CR, LF or NUL (header injection)'
 * ```
 */
export function headerValueFault(value: unknown, word: boolean): string | undefined {
  if (typeof value === 'string' && (word ? HEADER_WORD : HEADER_VALUE).test(value)) return undefined;
  return typeof value !== 'string'
    ? 'not a string'
    : value === ''
      ? 'empty'
      : /[\r\n\0]/.test(value)
        ? 'CR, LF or NUL (header injection)'
        : /[^\x20-\x7e\t]/.test(value)
          ? 'a control or non-ASCII character'
          : 'whitespace';
}
