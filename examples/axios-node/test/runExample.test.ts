import { describe, expect, it } from 'vitest';
import { runExample } from '../src/runExample.js';

describe('axios-node example', () => {
  it('serves two bursts across a server-side expiry with 2 token requests and no failures', async () => {
    const report = await runExample(50);

    expect(report).toMatchObject({ successes: 100, failures: 0, tokenRequests: 2, rejectedApiRequests: 50 });
    // POST bodies that hit a 401 were replayed intact: every name arrived once, as sent
    expect(report.created.map((item) => item.name).sort()).toEqual(
      [0, 10, 20, 30, 40, 0, 10, 20, 30, 40].map((i) => `item-${i}`).sort(),
    );
  });
});
