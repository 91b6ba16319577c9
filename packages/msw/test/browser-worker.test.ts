/**
 * The handlers in a real browser: the fixture is bundled for the browser (which must pull in no
 * Node.js built-in), served with MSW's worker script, and run in Chromium with `setupWorker`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { launchChromium } from '../../testkit/src/index.js';

const require = createRequire(import.meta.url);

it('serves tokens and protects routes from a Service Worker (setupWorker) in Chromium', async () => {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/workerApp.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const bundle = bundled.outputFiles[0]!.text;
  expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:/);

  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', '<!doctype html><script type="module" src="/app.js"></script>'],
    '/app.js': ['text/javascript', bundle],
    '/mockServiceWorker.js': ['text/javascript', readFileSync(require.resolve('msw/mockServiceWorker.js'))],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, file ? { 'Content-Type': file[0] } : {});
    res.end(file?.[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { browser, close } = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15_000 });
    const result = await page.evaluate(() => window.result);
    expect(result).toMatchObject({
      valid: 200,
      superseded: 401,
      expired: 401,
      missing: 401,
      stats: {
        tokenRequests: 2,
        tokensIssued: 2,
        rejectedApiRequestsByReason: { superseded: 1, expired: 1, missing: 1 },
      },
    });
  } finally {
    await close();
    server.close();
  }
});
