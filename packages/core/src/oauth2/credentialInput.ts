/**
 * A credential a grant sends (a JWT bearer `assertion`, a token exchange `subject_token` or
 * `actor_token`): a fixed string, or a function called at every token request.
 */
import { TokenRefreshError } from '../errors.js';
import type { FetchTokenContext } from '../options.js';
import { invalid } from './options.js';

/**
 * A string, or a function (sync or async) returning one at every token request: e.g. the
 * current token of another vault, so a token exchange always presents a fresh subject token.
 * The function gets the vault's `FetchTokenContext` (pass its `signal` on).
 *
 * @example
 * ```ts
 * const subjectToken: CredentialInput = ({ signal }) =>
 *   userVault.getToken({ signal }).then((token) => token.accessToken);
 * ```
 */
export type CredentialInput = string | ((context: FetchTokenContext) => string | Promise<string>);

/**
 * Validate a {@link CredentialInput} option (TypeError naming it) and return a reader. A function
 * that returns anything but a non-empty string fails the request with a final
 * `TokenRefreshError` (`code: 'invalid_credential_input'`); what it throws passes through.
 */
export function credentialInput(
  source: string,
  option: string,
  value: unknown,
): ((context: FetchTokenContext) => Promise<string>) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return async () => value;
  if (typeof value !== 'function')
    return invalid(source, option, 'a non-empty string or a function returning one');
  return async (context) => {
    const result: unknown = await value(context);
    if (typeof result === 'string' && result !== '') return result;
    throw new TokenRefreshError(
      `${source}: option "${option}" returned ${typeof result}, not a non-empty string`,
      {
        retryable: false,
        code: 'invalid_credential_input',
      },
    );
  };
}
