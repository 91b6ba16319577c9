/**
 * One replica of a service. Many concurrent requests need the API token, again each time it
 * expires. With USE_REDIS=1 the replica shares the token (and its refresh) with every other
 * replica through @tokvault/redis; without, it refreshes on its own.
 *
 * Started by fleet.ts; waits for a "go" message, runs its rounds, reports, and exits.
 */
import { createTokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createRedisStore } from '@tokvault/redis';
import { createClient } from 'redis';

const env = process.env;
const callers = Number(env.CALLERS ?? 50);
const rounds = Number(env.ROUNDS ?? 3);

// The client credentials grant (RFC 6749 §4.4) against the mock authorization server.
const fetchToken = clientCredentials({
  tokenUrl: env.TOKEN_URL ?? '',
  clientId: env.CLIENT_ID ?? '',
  clientSecret: env.CLIENT_SECRET ?? '',
});

const redis = env.USE_REDIS === '1' ? await createClient({ url: env.REDIS_URL }).connect() : undefined;
// Client credentials: if Redis goes away, one refresh per replica is acceptable.
const store = redis && createRedisStore(redis, { prefix: env.KEY_PREFIX, policy: 'local-fallback' });
const vault = createTokenVault({ name: 'billing-api', fetchToken, store });

process.once('message', async () => {
  let errors = 0;
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.allSettled(Array.from({ length: callers }, () => vault.getToken()));
    errors += results.filter((r) => r.status === 'rejected').length;
    if (round === rounds - 1) break;
    // Sleep until the token has expired, so the next round needs a new one.
    const expiresAt = Math.max(
      ...results.map((r) => (r.status === 'fulfilled' ? (r.value.expiresAt ?? 0) : 0)),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 100));
  }
  await vault.close();
  await store?.close();
  redis?.destroy();
  process.send?.({ errors }, () => process.exit(0));
});
process.send?.('ready');
