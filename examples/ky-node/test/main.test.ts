import { expect, it } from 'vitest';
import { main } from '../src/main.js';

it('runs the ky example: one token request per burst, every request succeeds', async () => {
  const lines: string[] = [];
  const report = await main((line) => lines.push(line));
  expect(report).toEqual({ requests: 41, succeeded: 41, tokenRequests: 2, rejected: 21 });
  expect(lines).toHaveLength(3);
});
