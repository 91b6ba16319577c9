/**
 * The one options checker of tokvault, and its one message format. Every package (core's vault
 * and its methods, the OAuth sources, the adapters, the stores) rejects a misspelt option and a
 * wrong type the same way:
 *
 * - `createTokenVault: options must be an object (got null)`
 * - `createTokenVault: unknown option "expiryMargin" (known: fetchToken, name, …)`
 * - `refresh: option "staleToken" must be an access-token string or a Token (got number)`
 *
 * A message says what was expected and the type that was given, never the value of a string
 * (it may be a secret).
 */

/**
 * How one option is checked: a test its value must pass (when it is not `undefined`) and what was
 * expected, for the message; or `true` for an option that is known but checked by the caller.
 *
 * @example
 * ```ts
 * const name: OptionRule = [(value) => typeof value === 'string' && value !== '', 'a non-empty string'];
 * ```
 */
export type OptionRule = readonly [test: (value: unknown) => boolean, expected: string] | true;

/** `null`, a number as is, else the type: never the value of a string. */
const got = (value: unknown): unknown =>
  value === null ? 'null' : typeof value === 'number' ? value : typeof value;

/**
 * Throw the `TypeError` for an option whose value is wrong:
 * `${api}: option "${option}" must be ${expected} (got …)`.
 *
 * @param api - the public function, e.g. `'createTokenVault'`.
 * @param option - the option's name (dotted for nested ones: `'retry.retries'`).
 * @param expected - what it must be, e.g. `'a non-empty string'`.
 * @param value - the value given: only its type (or a number) is shown.
 * @example
 * ```ts
 * if (typeof o.prefix !== 'string') invalidOption('createRedisStore', 'prefix', 'a non-empty string', o.prefix);
 * ```
 */
export function invalidOption(api: string, option: string, expected: string, value: unknown): never {
  throw new TypeError(`${api}: option "${option}" must be ${expected} (got ${got(value)})`);
}

/**
 * Check an options object: it must be an object, every key must be in `rules` (a misspelt option
 * would otherwise be ignored silently), and every option that is not `undefined` must pass its
 * rule. Throws a `TypeError` in the format above. Allocates nothing when the options are valid.
 *
 * @param api - the public function, e.g. `'createTokenVault'`.
 * @param options - what the caller passed.
 * @param rules - every known option and its {@link OptionRule}.
 * @param prefix - prepended to option names in messages, for nested options (`'retry.'`).
 * @example
 * ```ts
 * checkOptions('createRedisStore', options, { prefix: [(v) => typeof v === 'string', 'a string'], policy: true });
 * ```
 */
export function checkOptions(
  api: string,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
  prefix = '',
): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${api}: options must be an object (got ${got(options)})`);
  }
  for (const key in options) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (!rule) {
      throw new TypeError(
        `${api}: unknown option "${prefix}${key}" (known: ${Object.keys(rules).join(', ') || 'none'})`,
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (rule !== true && value !== undefined && !rule[0](value))
      invalidOption(api, prefix + key, rule[1], value);
  }
}
