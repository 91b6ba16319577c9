/**
 * The one tsup config. Every package's `build` script runs `tsup <entries>` in its own folder and
 * tsup finds this file by searching upward, so the entries are the only per-package setting.
 *
 * `splitting: true` also for CJS (tsup's default splits ESM only): the entries of a package share
 * chunks, so `@tokvault/core` and `@tokvault/core/oauth2` use ONE copy of the error classes under
 * `require` as under `import` (`.ci/smoke/harness.cjs` checks the prototype is the same object).
 */
import { defineConfig } from 'tsup';

export default defineConfig({
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
});
