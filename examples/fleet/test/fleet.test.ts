import { expect, it } from 'vitest';
import { formatFleet, runFleet } from '../src/fleet.js';

it('a fleet with @tokvault/redis makes one token request per expiry; without, one per process', async () => {
  // 3 s tokens (2 s once the whole-second rule takes its second): a replica that wakes late on a
  // busy machine still finds the token its peer just fetched valid.
  const result = await runFleet({ processes: 2, callers: 20, expiries: 2, tokenTtlSeconds: 3 });
  console.log(formatFleet(result));
  expect(result.withRedis).toEqual({ tokenRequests: 2, callerErrors: 0 });
  expect(result.withoutRedis).toEqual({ tokenRequests: 4, callerErrors: 0 });
}, 60_000);
