/**
 * The one warning of a hooks object whose request got no token because nothing allowed any
 * origin: no `origins` option, no base URL on the ky instance, no page (outside browsers).
 */

/**
 * A warner for one hooks object: its first call emits the warning (`process.emitWarning`,
 * code `TOKVAULT_NO_ORIGINS`) for the request URL's origin (never its path or query), later
 * calls nothing; nothing at all where there is no `process`.
 *
 * @example
 * ```ts
 * const warn = noOriginsWarning();
 * warn('https://api.example.com/me'); // warns once
 * ```
 */
export function noOriginsWarning(): (url: string) => void {
  let warned = false;
  return (url) => {
    if (warned) return;
    warned = true;
    const { origin } = new URL(url);
    globalThis.process?.emitWarning?.(
      `tokenVaultHooks: a request to ${origin} was sent without a token: no base URL and no "origins"; pass origins: '${origin}' (or a list, or '*')`,
      { code: 'TOKVAULT_NO_ORIGINS' },
    );
  };
}
