/**
 * Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core,
 * profiles under a temporary folder of the test run, and pages built and served by Vite on
 * 127.0.0.1 (a secure context, so `navigator.locks` exists).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type PreviewServer, preview } from 'vite';
import { resolve } from '../../vite.config.js';

/** The example's folder. */
export const exampleDir = new URL('../..', import.meta.url).pathname;
/** Artifacts (screenshots) of the browser tests; gitignored. */
export const resultsDir = join(exampleDir, 'test-results');

/** Build the page at `root` (an index.html) with Vite, and serve it from 127.0.0.1. */
export async function buildAndServe(
  root: string,
  proxy: Record<string, string> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  mkdirSync(resultsDir, { recursive: true });
  const outDir = mkdtempSync(join(resultsDir, '.dist-'));
  await build({ root, configFile: false, resolve, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, proxy },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its URL');
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
