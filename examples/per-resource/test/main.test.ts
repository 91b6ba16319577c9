import { expect, it } from 'vitest';
import { main } from '../src/main.js';

it('runs the per-resource example: one vault and one token request per API; a token works only at its API', async () => {
  const lines: string[] = [];
  const report = await main((line) => lines.push(line));
  expect(report).toEqual({ ok: { orders: 10, reports: 10 }, tokenRequests: 2, crossAudienceStatus: 401 });
  expect(lines).toHaveLength(2);
});
