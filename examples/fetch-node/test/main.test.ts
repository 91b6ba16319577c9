import { expect, it } from 'vitest';
import { main } from '../src/main.js';

it('runs the fetch example: one token request per burst, no refresh for stale 401s', async () => {
  const lines: string[] = [];
  const report = await main((line) => lines.push(line));
  expect(report).toEqual({
    succeeded: 20,
    tokenRequests: 3,
    publicSawToken: false,
    failure: 'TokenRefreshError',
  });
  expect(lines).toHaveLength(4);
});
