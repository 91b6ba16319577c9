/**
 * A refused response is read to its end before the resend, so the resend reuses its connection:
 * a 401 of unknown length (chunked, as Node's `res.writeHead(401).end(body)` sends it) was
 * cancelled before, which closed the connection (a new one per resent request in a burst).
 */
import { createTokenVault } from '@tokvault/core';
import { startChunkedRefusalApi } from '@tokvault/testkit';
import ky from 'ky';
import ky1 from 'ky1';
import { expect, it } from 'vitest';
import { tokenVaultHooks } from '../src/index.js';

for (const [name, create] of [
  [
    'ky 2',
    (origin: string, hooks: ReturnType<typeof tokenVaultHooks>) => ky.create({ baseUrl: origin, hooks }),
  ],
  [
    'ky 1',
    (origin: string, hooks: ReturnType<typeof tokenVaultHooks>) =>
      ky1.create({ prefixUrl: origin, hooks: hooks as never }) as unknown as ReturnType<typeof ky.create>,
  ],
] as const) {
  it(`${name}: resends on the connection of a 401 whose body has no length (chunked)`, async () => {
    await using api = await startChunkedRefusalApi();
    await using vault = createTokenVault({ fetchToken: api.fetchToken });
    const text = await create(api.origin, tokenVaultHooks(vault)).get('me').text();
    expect(text).toBe('ok');
    expect(api.calls).toBe(2);
    expect(api.connections).toBe(1);
  });
}
