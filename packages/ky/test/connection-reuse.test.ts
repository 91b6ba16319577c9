/**
 * A refused response is read to its end before the resend, so the resend reuses its connection:
 * a 401 of unknown length (chunked, as Node's `res.writeHead(401).end(body)` sends it) was
 * cancelled before, which closed the connection (a new one per resent request in a burst).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVault } from '@tokvault/core';
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
    let connections = 0;
    let ended!: () => void;
    const refused = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const api = createServer((req, res) => {
      if (req.headers.authorization === 'Bearer second') return void res.end('ok');
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).flushHeaders();
      res.on('close', () => setTimeout(ended, 50)); // sent, or the connection was closed
      setTimeout(() => res.end('{"error":"invalid_token"}'), 20);
    });
    api.on('connection', () => connections++);
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    let calls = 0;
    // The refresh ends after the 401's body (as a real token call does in a burst).
    await using vault = createTokenVault({
      fetchToken: async () => (++calls === 1 ? 'first' : refused.then(() => 'second')),
    });
    try {
      const text = await create(origin, tokenVaultHooks(vault)).get('me').text();
      expect(text).toBe('ok');
      expect(calls).toBe(2);
      expect(connections).toBe(1);
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  });
}
