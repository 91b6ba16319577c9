/**
 * Secrets stay secret (issue 13, item 2): a request whose refresh failed rejects with the
 * vault's `TokenRefreshError`, which (like the events) shows no secret in any rendering.
 */
import { checkAdapterKeepsSecrets } from '@tokvault/testkit';
import { it } from 'vitest';
import { createAuthFetch } from '../src/index.js';

it('a request whose refresh failed rejects with an error that shows no secret (property)', () =>
  checkAdapterKeepsSecrets((vault, apiUrl) => createAuthFetch(vault, { origins: apiUrl })(`${apiUrl}/me`)));
