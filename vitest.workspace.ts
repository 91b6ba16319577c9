/**
 * The single list of test projects. `pnpm test` loads this file explicitly
 * (`vitest run --config vitest.workspace.ts`); Vitest 4+ would ignore it otherwise.
 * Add a package here when it gains tests; a run that collects no tests fails.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Projects that drive a real Chromium stop at once, saying how to get it, when it is missing. */
const needsChromium = { globalSetup: [fileURLToPath(new URL('./.ci/chromium-setup.ts', import.meta.url))] };

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, root, include: ['test/**/*.test.ts'], ...extra },
});

export default defineConfig({
  ssr: { resolve: { conditions: ['@tokvault/source'] } },
  resolve: { conditions: ['@tokvault/source'] },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Test files share workers (no fresh module graph per file: ~40% less CPU); a file that
    // changes process-wide state (globals, env, undici's global dispatcher) restores it itself.
    isolate: false,
    // One worker per core, not Vitest's cores − 1: much of the suite waits on sockets, child
    // processes, Redis and Chromium, so two workers on a two-core machine overlap those waits.
    maxWorkers: availableParallelism(),
    projects: [
      project('core', 'packages/core'),
      project('msw', 'packages/msw', needsChromium),
      project('axios', 'packages/axios'),
      project('ky', 'packages/ky'),
      project('fetch', 'packages/fetch'),
      project('undici', 'packages/undici'),
      project('redis', 'packages/redis'),
      project('browser', 'packages/browser'),
      project('examples', 'examples', { include: ['*/test/**/*.test.ts'], ...needsChromium }),
      project('bench', 'bench'),
      project('ci', '.ci'),
    ],
    coverage: {
      provider: 'v8',
      // Core's source only: the threshold is core's, and remapping every package's coverage cost
      // the two-core machines ~10% of the suite's time (issue 18: the suite under 3 minutes).
      include: ['packages/core/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 95, branches: 90 },
      },
    },
  },
});
