/**
 * The changeset front-matter check of .ci/release-dry-run.mjs (the part that needs no build).
 * The full dry run (`changeset version` + pack + `publish --dry-run`) runs in .ci/run after the build.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.tmp', 'changesets-test');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkChangesets(files: Record<string, string>) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(
    process.execPath,
    [join(root, '.ci', 'release-dry-run.mjs'), '--changesets-only', '--changeset-dir=.tmp/changesets-test'],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('changeset front matter', () => {
  it('accepts public packages with a bump and a summary', () => {
    const r = checkChangesets({
      'README.md': '# not a changeset\n',
      'ok.md': '---\n"@tokvault/core": minor\n\'@tokvault/ky\': patch\n---\n\nA line for the changelog.\n',
    });
    expect(r.out).toContain('changesets: ok');
    expect(r.status).toBe(0);
  });

  it('reports a missing block, a bad bump, a private or unknown package, and an empty summary', () => {
    const r = checkChangesets({
      'no-block.md': 'Just text.\n',
      'bad.md': '---\n"@tokvault/core": huge\n"@tokvault/testkit": patch\n"left-pad": patch\n---\n\n',
      'setext.md': '"@tokvault/core": minor\n---\n\nBiome turned the block into a heading.\n',
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('.tmp/changesets-test/no-block.md: must start with a front matter block');
    expect(r.out).toContain('.tmp/changesets-test/bad.md:2: expected "<package>": patch|minor|major');
    expect(r.out).toContain(
      '.tmp/changesets-test/bad.md:3: "@tokvault/testkit" is not a public workspace package',
    );
    expect(r.out).toContain('.tmp/changesets-test/bad.md:4: "left-pad" is not a public workspace package');
    expect(r.out).toContain('.tmp/changesets-test/bad.md: the summary (the changelog line) is empty');
    expect(r.out).toContain('.tmp/changesets-test/setext.md: must start with a front matter block');
  });
});
