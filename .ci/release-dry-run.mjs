#!/usr/bin/env node
/**
 * The release, rehearsed without publishing anything:
 *
 *   node .ci/release-dry-run.mjs        (after `pnpm build`)
 *   node .ci/release-dry-run.mjs --changesets-only [--changeset-dir=path]   (step 1 alone)
 *
 * 1. Every `.changeset/*.md` has valid front matter: `---`, one `"<public package>": patch|minor|major`
 *    per line, `---`, then a non-empty summary (Biome does not format these files, so nothing
 *    else checks them before `changeset version` would choke on them at release time).
 * 2. In a temporary copy of the workspace (manifests, changelogs, the packages' src and dist):
 *    `changeset version` — the real command, with this repository's config — then checks that the
 *    public packages (the fixed group) share one new version, each CHANGELOG.md has its entry, and
 *    no changeset is left.
 * 3. There, for every public package: `pnpm pack` (what `changeset publish` uploads: file list and
 *    manifest with `workspace:` ranges replaced by the new version) and `pnpm publish --dry-run`
 *    against an unreachable registry, so nothing can leave the machine.
 * Exits 1 on any problem.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const changesetsOnly = args.includes('--changesets-only');
const DEAD_REGISTRY = 'http://127.0.0.1:9/';
const errors = [];
const fail = (message) => errors.push(message);

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), stdout: r.stdout ?? '' };
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Workspace package folders (relative), from pnpm-workspace.yaml's simple globs. */
function workspaceDirs() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.split(/^\S.*:/m)[1].matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(join(root, glob.slice(0, -2), e.name, 'package.json')))
          .map((e) => join(glob.slice(0, -2), e.name))
      : [glob],
  );
}

const dirs = workspaceDirs();
const manifests = new Map(dirs.map((dir) => [dir, readJson(join(root, dir, 'package.json'))]));
const publicPackages = [...manifests].filter(([, pkg]) => !pkg.private).map(([dir, pkg]) => ({ dir, pkg }));
const publicNames = new Set(publicPackages.map(({ pkg }) => pkg.name));

// 1. Front matter of every changeset.
const changesetDir = resolve(
  root,
  args.find((a) => a.startsWith('--changeset-dir='))?.slice('--changeset-dir='.length) ?? '.changeset',
);
const changesets = readdirSync(changesetDir).filter((f) => f.endsWith('.md') && f !== 'README.md');
for (const file of changesets) {
  const text = readFileSync(join(changesetDir, file), 'utf8');
  const where = relative(root, join(changesetDir, file));
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) {
    fail(`${where}: must start with a front matter block between two "---" lines`);
    continue;
  }
  const lines = m[1].split(/\r?\n/);
  if (lines.every((l) => l.trim() === '')) fail(`${where}: the front matter names no package`);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const entry = /^\s*(["']?)(@?[\w.-]+(?:\/[\w.-]+)?)\1\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (!entry) fail(`${where}:${i + 2}: expected "<package>": patch|minor|major, got: ${line}`);
    else if (!publicNames.has(entry[2]))
      fail(`${where}:${i + 2}: "${entry[2]}" is not a public workspace package`);
  });
  if (m[2].trim() === '') fail(`${where}: the summary (the changelog line) is empty`);
}
console.log(`changesets: ${changesets.length} file(s), front matter checked`);
if (changesetsOnly) finish();

// 2. `changeset version` in a temporary copy.
const work = mkdtempSync(join(tmpdir(), 'tokvault-release-'));
try {
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.npmrc', 'LICENSE']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(work, file));
  }
  cpSync(changesetDir, join(work, '.changeset'), { recursive: true });
  for (const dir of dirs) {
    mkdirSync(join(work, dir), { recursive: true });
    const isPublic = !manifests.get(dir).private;
    for (const entry of readdirSync(join(root, dir))) {
      if (entry === 'node_modules') continue;
      const copy = isPublic || entry === 'package.json' || entry === 'CHANGELOG.md';
      if (copy) cpSync(join(root, dir, entry), join(work, dir, entry), { recursive: true });
    }
  }
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');

  const before = new Map(publicPackages.map(({ dir, pkg }) => [dir, pkg.version]));
  const version = run(
    process.execPath,
    [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'],
    work,
  );
  if (!version.ok) fail(`changeset version failed:\n${version.out}`);

  const after = new Map(
    publicPackages.map(({ dir }) => [dir, readJson(join(work, dir, 'package.json')).version]),
  );
  const versions = new Set(after.values());
  if (versions.size !== 1) fail(`the fixed group must share one version, got: ${[...versions].join(', ')}`);
  const next = [...versions][0];
  if (changesets.length > 0) {
    for (const { dir, pkg } of publicPackages) {
      if (after.get(dir) === before.get(dir)) fail(`${pkg.name}: version not bumped by changeset version`);
      const changelog = existsSync(join(work, dir, 'CHANGELOG.md'))
        ? readFileSync(join(work, dir, 'CHANGELOG.md'), 'utf8')
        : '';
      if (!changelog.includes(`## ${next}`)) fail(`${pkg.name}: CHANGELOG.md has no "## ${next}" entry`);
    }
    const left = readdirSync(join(work, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    if (left.length > 0) fail(`changeset version left changesets behind: ${left.join(', ')}`);
  }
  console.log(
    `changeset version: ${[...new Set(before.values())].join(', ')} -> ${next} (${publicPackages.length} packages)`,
  );

  // 3. What `changeset publish` would upload, per public package.
  const packDir = join(work, '.packs');
  mkdirSync(packDir);
  for (const { dir, pkg } of publicPackages) {
    const cwd = join(work, dir);
    const pack = run('pnpm', ['pack', '--json', '--pack-destination', packDir], cwd);
    if (!pack.ok) {
      fail(`${pkg.name}: pnpm pack failed:\n${pack.out}`);
      continue;
    }
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('{')));
    const tarball = info.filename.startsWith('/') ? info.filename : join(packDir, info.filename);
    const list = run('tar', ['-xOzf', tarball, 'package/package.json'], cwd);
    if (!list.ok) fail(`${pkg.name}: cannot read package.json from ${tarball}:\n${list.out}`);
    const packed = list.ok ? JSON.parse(list.stdout) : {};
    const deps = { ...packed.dependencies, ...packed.peerDependencies };
    for (const [name, range] of Object.entries(deps)) {
      if (String(range).startsWith('workspace:'))
        fail(`${pkg.name}: packed dependency ${name} is still ${range}`);
      if (publicNames.has(name) && !String(range).includes(next)) {
        fail(`${pkg.name}: packed dependency ${name}@${range} does not point at the released ${next}`);
      }
    }
    if (packed.version !== next) fail(`${pkg.name}: packed version ${packed.version}, expected ${next}`);
    const files = info.files.map((f) => f.path);
    if (!files.some((f) => f.startsWith('dist/')))
      fail(`${pkg.name}: no dist/ in the tarball (run pnpm build first)`);
    const publish = run(
      'pnpm',
      ['publish', '--dry-run', '--no-git-checks', '--access', 'public', '--registry', DEAD_REGISTRY],
      cwd,
    );
    if (!publish.ok || !publish.out.includes(`${pkg.name}@${next}`)) {
      fail(`${pkg.name}: pnpm publish --dry-run failed:\n${publish.out}`);
    }
    console.log(`would publish ${pkg.name}@${next}: ${files.length} files`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

finish();

function finish() {
  if (errors.length > 0) {
    console.error(`\nrelease dry run: ${errors.length} problem(s):`);
    for (const e of errors) console.error(`  ${e}`);
    process.exit(1);
  }
  console.log(changesetsOnly ? 'changesets: ok' : 'release dry run: ok (nothing was published)');
  process.exit(0);
}
