import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

it('loads no Node.js built-in statically, so browser bundles (setupWorker) stay clean', () => {
  const offenders: string[] = [];
  for (const file of readdirSync(srcDir).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(srcDir + file, 'utf8');
    for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(node:[^']+|[a-z_]+)'/gms)) {
      if (
        match[1]?.startsWith('node:') ||
        ['http', 'net', 'fs', 'url', 'buffer', 'crypto'].includes(match[1] ?? '')
      ) {
        offenders.push(`${file}: ${match[1]}`);
      }
    }
    expect(text).not.toMatch(/\bBuffer\./);
    expect(text).not.toMatch(/\brequire\(/);
  }
  expect(offenders).toEqual([]);
  // listen() reaches node:http only through a runtime specifier bundlers do not follow.
  expect(readFileSync(`${srcDir}listen.ts`, 'utf8')).toMatch(
    /import\(\/\* @vite-ignore \*\/ \/\* webpackIgnore: true \*\/ specifier\)/,
  );
});
