/**
 * Vitest global setup of the projects whose tests drive a real Chromium (msw, examples).
 * `pnpm test` does not install software: without a browser it stops here, saying how to get one.
 * CI installs it first (.ci/install-chromium.sh in .ci/run).
 */
import { accessSync, constants } from 'node:fs';

/** The binary the browser tests launch: `TOKVAULT_CHROMIUM`, else Debian's. Same rule as testkit's. */
export const chromiumPath = (): string => process.env.TOKVAULT_CHROMIUM ?? '/usr/bin/chromium';

/** Throws a message that says how to get Chromium when `path` is not an executable file. */
export function assertChromium(path: string = chromiumPath()): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${path}: the browser tests drive a real Chromium and pnpm test does not install one. ` +
        'Install it (Debian/Ubuntu, as root: apt-get install -y chromium; or run bash .ci/install-chromium.sh) ' +
        'or set TOKVAULT_CHROMIUM=/path/to/chrome-or-chromium.',
    );
  }
}

export default function setup(): void {
  assertChromium();
}
