/**
 * Every error `code` a package raises has an entry in docs/troubleshooting.md, and an error with a
 * code links to it from its message (issue 17).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TokenRefreshError } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const guide = readFileSync(join(root, 'docs', 'troubleshooting.md'), 'utf8');
/** GitHub's anchor of each `### heading`. */
const anchors = new Set([...guide.matchAll(/^### (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** OAuth 2.0 wire words (parameters, grant types, client auth methods, metadata), not error codes. */
const PROTOCOL = new Set([
  'access_token',
  'authorization_code',
  'authorization_endpoint',
  'client_assertion',
  'client_assertion_type',
  'client_credentials',
  'client_id',
  'client_secret',
  'client_secret_basic',
  'client_secret_jwt',
  'client_secret_post',
  'error_description',
  'error_uri',
  'expires_in',
  'on_behalf_of',
  'private_key_jwt',
  'refresh_token',
  'revocation_endpoint',
  'token_endpoint',
  'token_type',
]);

/**
 * The codes the public packages can raise: every `code: '…'` literal, and every snake_case
 * literal that is not a protocol word (constants such
 * as `STORE_CLOSED`, codes passed through helpers such as pkce's `final(message, 'state_mismatch')`).
 */
function raisedCodes(): Set<string> {
  const codes = new Set<string>();
  const packages = readdirSync(join(root, 'packages')).filter((p) => p !== 'testkit' && p !== 'msw');
  for (const pkg of packages) {
    for (const file of sources(join(root, 'packages', pkg, 'src'))) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      for (const m of code.matchAll(/\bcode: '([\w-]+)'/g)) codes.add(m[1]!);
      for (const m of code.matchAll(/'([a-z]+(?:_[a-z]+)+)'/g)) if (!PROTOCOL.has(m[1]!)) codes.add(m[1]!);
    }
  }
  return codes;
}

describe('the troubleshooting guide', () => {
  it('has a `### <code>` entry for every code the packages raise', () => {
    const codes = raisedCodes();
    // The scan finds codes raised in each way: a literal, a constant, a helper's argument.
    for (const known of ['network_error', 'store_unavailable', 'state_mismatch', 'invalid_client_key'])
      expect(codes).toContain(known);
    expect([...codes].filter((code) => !anchors.has(code.toLowerCase()))).toEqual([]);
  });

  it('is linked from the message of an error with a code, where console.log and String() show it', () => {
    const error = new TokenRefreshError('the refresh token was refused', {
      code: 'invalid_grant',
      retryable: false,
    });
    const link = 'https://github.com/tokvault/tokvault/blob/main/docs/troubleshooting.md#invalid_grant';
    expect(error.message).toBe(`the refresh token was refused (${link})`);
    expect(String(error)).toContain(link);
    expect(inspect(error)).toContain(link);
    expect(anchors.has('invalid_grant')).toBe(true);
  });

  it('leaves the message of an error without a code alone', () => {
    expect(new TokenRefreshError('token endpoint answered 503').message).toBe('token endpoint answered 503');
    expect(String(new TokenRefreshError('x', { code: '' }))).toBe('TokenRefreshError: x');
  });
});
