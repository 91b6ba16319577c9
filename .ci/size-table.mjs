#!/usr/bin/env node
/**
 * Prints the README's size table (markdown) from `.size-limit.mjs`:
 *
 *   pnpm build && pnpm exec node .ci/size-table.mjs
 *
 * Informational: `pnpm size` is what enforces the budgets.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(join(root, 'node_modules', '.bin', 'size-limit'), ['--json'], {
  cwd: root,
  encoding: 'utf8',
});
const start = r.stdout.indexOf('[');
if (start < 0) {
  console.error(`size-limit failed:\n${r.stdout}${r.stderr}`);
  process.exit(1);
}
const rows = JSON.parse(r.stdout.slice(start));

/** size-limit's own formatting: decimal kB. */
const format = (bytes) =>
  bytes < 1000 ? `${bytes} B` : `${Number.parseFloat((bytes / 1000).toFixed(2))} kB`;

console.log('| package | size (min+gzip) | budget |');
console.log('| --- | --- | --- |');
for (const row of rows) {
  const name = row.name.replace(' (no budget)', '');
  const budget = row.sizeLimit ? `${format(row.sizeLimit)}${row.passed ? '' : ' (over)'}` : '—';
  console.log(`| \`${name}\` | ${format(row.size)} | ${budget} |`);
}
