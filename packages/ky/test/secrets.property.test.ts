/**
 * Secrets stay secret (issue 13, item 2): a request whose refresh failed rejects with the
 * vault's `TokenRefreshError`, which (like the events) shows no secret in any rendering.
 */
import { tokenVaultHooks } from '@tokvault/ky';
import { checkAdapterKeepsSecrets } from '@tokvault/testkit';
import ky from 'ky';
import ky1 from 'ky1';
import { it } from 'vitest';

it('ky 2: a request whose refresh failed rejects with an error that shows no secret (property)', () =>
  checkAdapterKeepsSecrets((vault, apiUrl) =>
    ky.create({ baseUrl: apiUrl, hooks: tokenVaultHooks(vault), retry: 0 }).get('me'),
  ));

it('ky 1: a request whose refresh failed rejects with an error that shows no secret (property)', () =>
  checkAdapterKeepsSecrets((vault, apiUrl) =>
    ky1.create({ prefixUrl: apiUrl, hooks: tokenVaultHooks(vault), retry: 0 }).get('me'),
  ));
