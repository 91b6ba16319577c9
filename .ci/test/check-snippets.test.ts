/**
 * .ci/check-snippets.mjs against fixture Markdown: what it reports, where, and that runnable
 * snippets really run. Each case writes its own Markdown under .tmp/ and its own output folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.tmp', 'snippets-test');
mkdirSync(dir, { recursive: true });
const names = ['bad', 'run', 'norun', 'tsdoc-good', 'tsdoc-bad'];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const name of names)
    rmSync(join(root, 'docs', `.snippets-test-${name}`), { recursive: true, force: true });
});

function check(name: string, text: string, ...flags: string[]) {
  const file = name.startsWith('tsdoc') ? `${name}.ts` : `${name}.md`;
  writeFileSync(join(dir, file), text);
  const r = spawnSync(
    process.execPath,
    [
      join(root, '.ci', 'check-snippets.mjs'),
      `--out=.snippets-test-${name}`,
      ...flags,
      `.tmp/snippets-test/${file}`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const fence = '```';

describe('check-snippets', () => {
  it('reports type errors at file.md:line:column, bad markers, and missing version notes', () => {
    const md = [
      '# bad', // 1
      '', // 2
      `${fence}ts`, // 3
      'const n: number = 1;', // 4
      'const s: string = n;', // 5
      fence, // 6
      '', // 7
      '<!-- snippet: fragment -->', // 8
      `${fence}ts`, // 9
      'anything(', // 10
      fence, // 11
      '<!-- snippet: later -->', // 12
      `${fence}ts`, // 13
      'export {};', // 14
      fence, // 15
      `${fence}ts`, // 16
      "import ky from 'ky';", // 17
      "ky.create({ prefix: 'https://api.example.com' });", // 18
      fence, // 19
      `${fence}ts`, // 20
      "import { setupServer } from 'msw/node';", // 21
      "setupServer().listen({ onUnhandledFrame: 'error' });", // 22
      fence, // 23
      '',
    ].join('\n');
    const r = check('bad', md);
    expect(r.status).toBe(1);
    const file = '.tmp/snippets-test/bad.md';
    expect(r.out).toContain(`${file}:5:7: error TS2322`);
    expect(r.out).toContain(`${file}:8: "snippet: fragment" needs a reason`);
    expect(r.out).toContain(`${file}:12: unknown snippet marker "later"`);
    expect(r.out).toContain(`${file}:16: uses ky 2's \`prefix\``);
    expect(r.out).toContain(`${file}:20: uses msw 3's \`onUnhandledFrame\``);
  });

  it('type-checks self-contained snippets, accepts version notes, skips fragments with their reason, and runs `run` snippets', () => {
    const md = [
      '# run',
      '',
      `${fence}ts`,
      "import { createTokenVault } from '@tokvault/core';",
      "const vault = createTokenVault({ fetchToken: async () => 'token' });",
      'await vault.close();',
      fence,
      '',
      '<!-- snippet: fragment; an excerpt of a test -->',
      `${fence}ts`,
      'anything(',
      fence,
      '',
      `${fence}ts`,
      "import ky from 'ky';",
      "ky.create({ prefix: 'https://api.example.com' }); // ky 2",
      fence,
      '',
      '<!-- snippet: run -->',
      '',
      `${fence}ts`,
      "throw new Error('this snippet ran');",
      fence,
      '',
    ].join('\n');
    const r = check('run', md);
    expect(r.out).toContain('SKIP .tmp/snippets-test/run.md:10 (fragment: an excerpt of a test)');
    expect(r.out).toContain('.tmp/snippets-test/run.md:21: the runnable snippet exited 1');
    expect(r.out).toContain('Error: this snippet ran');
    expect(r.status).toBe(1);
    // Without running: a self-contained snippet importing the workspace packages, the ky 2 one
    // with its version note and the runnable one type-check; the fragment is skipped.
    const typeChecked = check('norun', md, '--no-run');
    expect(typeChecked.out).toContain('3 snippets from 1 Markdown files type-checked');
    expect(typeChecked.status).toBe(0);
  });

  it('type-checks the TSDoc examples with the public names imported and the reader values declared', () => {
    const ts = [
      '/**', // 1
      ' * Logs the vault.', // 2
      ' *', // 3
      ' * @example', // 4
      ' * ```ts', // 5
      ' * const token = await vault.getToken();', // 6
      ' * if (error instanceof TokenRefreshError) log.warn(error.code, token.accessToken);', // 7
      ' * export const store = createMemoryStore();', // 8
      ' * ```', // 9
      ' */', // 10
      'export const x = 1;', // 11
      '',
    ].join('\n');
    const r = check('tsdoc-good', ts);
    expect(r.out).toContain('0 snippets from 0 Markdown files and 1 TSDoc examples type-checked');
    expect(r.status).toBe(0);
  });

  it('reports TSDoc example errors at file.ts:line:column, skips TSDoc fragments, ignores non-examples', () => {
    const ts = [
      '/**', // 1
      ' * A block outside an example is prose:', // 2
      ' * ```ts', // 3
      ' * not checked(', // 4
      ' * ```', // 5
      ' * @example', // 6
      ' * ```ts', // 7
      ' * const n: number = vault.name;', // 8
      ' * ```', // 9
      ' * @example', // 10
      ' * <!-- snippet: fragment; the body of a function -->', // 11
      ' * ```ts', // 12
      ' * return sent;', // 13
      ' * ```', // 14
      ' * @example', // 15
      ' * <!-- snippet: fragment -->', // 16
      ' * ```ts', // 17
      ' * return;', // 18
      ' * ```', // 19
      ' */', // 20
      'export const x = 1;', // 21
      '',
    ].join('\n');
    const r = check('tsdoc-bad', ts);
    const file = '.tmp/snippets-test/tsdoc-bad.ts';
    expect(r.out).toContain(`${file}:8:7: error TS2322`);
    expect(r.out).toContain(`SKIP ${file}:12 (fragment: the body of a function)`);
    expect(r.out).toContain(`${file}:16: "snippet: fragment" needs a reason`);
    expect(r.out).not.toContain(`${file}:4`);
    expect(r.status).toBe(1);
  });
});
