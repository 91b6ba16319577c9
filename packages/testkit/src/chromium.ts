/**
 * Real Chromium for browser tests: Debian's `chromium` (or `TOKVAULT_CHROMIUM`) driven by
 * playwright-core, with the flags this machine needs (root, closed network), and browser
 * profiles in a temporary folder that `close()` removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** The Chromium binary: `TOKVAULT_CHROMIUM`, else Debian's. */
export const CHROMIUM_PATH = process.env.TOKVAULT_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A launched headless Chromium whose profiles live under `parentDir` (default: the OS temp dir). */
export async function launchChromium(
  parentDir: string = tmpdir(),
): Promise<{ browser: Browser; close(): Promise<void> }> {
  const tmp = mkdtempSync(join(parentDir, '.chromium-'));
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // playwright creates each context's profile under os.tmpdir()
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    env: { ...process.env, TMPDIR: tmp },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(tmp, { recursive: true, force: true });
      // Test files share a worker (`isolate: false`): the next one must not get a removed folder.
      if (previousTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmpdir;
    },
  };
}
