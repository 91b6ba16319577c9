#!/usr/bin/env node
/**
 * Release checks for every public package under packages/.
 *
 *   node .ci/check-packages.mjs [--no-build] [name...]
 *
 * For each package that is not private:
 *   - no src/index.ts yet   -> SKIP, with a message (never silent);
 *   - manifest shape        -> license, type, sideEffects, engines, repository, files, exports map,
 *                              main/module/types agreeing with the exports map;
 *   - build                 -> its own `build` script (tsup ESM + CJS + d.ts), unless --no-build;
 *   - build output          -> every exports target exists (tsup silently drops a missing entry);
 *   - tarball               -> `pnpm pack`: LICENSE, README.md, CHANGELOG.md, every exports target,
 *                              no tests, no `workspace:` ranges left;
 *   - publint --strict      -> on the tarball;
 *   - attw                  -> on the tarball, profile `node16`: node16 from CJS, node16 from ESM and
 *                              bundler. node10 (`moduleResolution: "node"`, deprecated in TS 6) is
 *                              left out: it ignores `exports`, so it cannot see `@tokvault/core/oauth2`.
 * Exits 1 if any package fails; prints one summary line per package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const only = args.filter((a) => !a.startsWith('--'));

const REPO_URL = 'git+https://github.com/tokvault/tokvault.git';
const SOURCE_CONDITION = '@tokvault/source';
const fixedGroup = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')).fixed.flat();

const { FORCE_COLOR, ...noColorEnv } = process.env;

function run(cmd, cmdArgs, cwd) {
  const r = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8', env: { ...noColorEnv, NO_COLOR: '1' } });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function bin(name) {
  return join(root, 'node_modules', '.bin', name);
}

/** Manifest checks that need no build. */
function checkManifest(pkg, dir, errors) {
  const rel = relative(root, dir);
  const expect = (cond, msg) => cond || errors.push(msg);
  expect(pkg.license === 'MIT', `"license" must be "MIT"`);
  expect(pkg.type === 'module', `"type" must be "module"`);
  expect(pkg.sideEffects === false, `"sideEffects" must be false`);
  expect(typeof pkg.engines?.node === 'string', `"engines.node" is missing`);
  expect(typeof pkg.description === 'string' && pkg.description.length > 0, `"description" is missing`);
  expect(
    pkg.repository?.url === REPO_URL && pkg.repository?.directory === rel,
    `"repository" must be { type: "git", url: "${REPO_URL}", directory: "${rel}" }`,
  );
  expect(typeof pkg.homepage === 'string', `"homepage" is missing`);
  expect(pkg.bugs !== undefined, `"bugs" is missing`);
  for (const f of ['dist', 'src', 'README.md', 'CHANGELOG.md']) {
    expect(pkg.files?.includes(f), `"files" must include "${f}"`);
  }
  for (const f of ['README.md', 'CHANGELOG.md'])
    expect(existsSync(join(dir, f)), `${rel}/${f} does not exist`);
  const changelog = existsSync(join(dir, 'CHANGELOG.md'))
    ? readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')
    : '';
  expect(changelog.includes(`\n## ${pkg.version}\n`), `CHANGELOG.md has no "## ${pkg.version}" entry`);
  expect(fixedGroup.includes(pkg.name), `.changeset/config.json: ${pkg.name} is not in the fixed group`);
  expect(typeof pkg.scripts?.build === 'string', `"scripts.build" is missing`);
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@tokvault/'))
      expect(range === 'workspace:^', `dependency ${dep} must be "workspace:^"`);
  }
  for (const dep of Object.keys(pkg.peerDependencies ?? {})) {
    expect(!pkg.dependencies?.[dep], `${dep} is both a dependency and a peer dependency`);
  }

  const exp = pkg.exports;
  if (typeof exp !== 'object' || exp === null || !exp['.']) {
    errors.push(`"exports" must be an object with a "." entry`);
    return [];
  }
  expect(exp['./package.json'] === './package.json', `"exports" must expose "./package.json"`);
  const targets = [];
  for (const [sub, entry] of Object.entries(exp)) {
    if (sub === './package.json') continue;
    const where = `exports["${sub}"]`;
    const keys = typeof entry === 'object' && entry !== null ? Object.keys(entry) : [];
    if (keys[0] !== SOURCE_CONDITION || keys[1] !== 'import' || keys[2] !== 'require' || keys.length !== 3) {
      errors.push(
        `${where} must have exactly the keys "${SOURCE_CONDITION}", "import", "require", in that order`,
      );
      continue;
    }
    const src = entry[SOURCE_CONDITION];
    const stem = src.replace(/^\.\/src\//, '').replace(/\.ts$/, '');
    expect(/^\.\/src\/[\w-]+\.ts$/.test(src), `${where}["${SOURCE_CONDITION}"] must be ./src/<name>.ts`);
    expect(existsSync(join(dir, src)), `${where}["${SOURCE_CONDITION}"] ${src} does not exist`);
    expect(pkg.scripts?.build?.includes(src.slice(2)), `"scripts.build" does not build ${src.slice(2)}`);
    const want = {
      import: { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` },
      require: { types: `./dist/${stem}.d.cts`, default: `./dist/${stem}.cjs` },
    };
    for (const cond of ['import', 'require']) {
      const got = entry[cond];
      const ok =
        got &&
        Object.keys(got).join() === 'types,default' &&
        got.types === want[cond].types &&
        got.default === want[cond].default;
      expect(ok, `${where}.${cond} must be ${JSON.stringify(want[cond])} (types first)`);
      targets.push(want[cond].types, want[cond].default);
    }
    if (sub === '.') {
      expect(pkg.main === want.require.default, `"main" must be "${want.require.default}"`);
      expect(pkg.module === want.import.default, `"module" must be "${want.import.default}"`);
      expect(pkg.types === want.require.types, `"types" must be "${want.require.types}"`);
    }
  }
  return targets;
}

function checkTarball(tarball, targets, sources, errors) {
  const list = run('tar', ['-tzf', tarball]);
  if (!list.ok) return errors.push(`cannot list ${tarball}: ${list.out}`);
  const files = new Set(list.out.split('\n').map((f) => f.replace(/^package\//, '')));
  const required = ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', ...targets, ...sources];
  for (const f of required.map((t) => t.replace(/^\.\//, ''))) {
    if (!files.has(f)) errors.push(`tarball lacks ${f}`);
  }
  for (const f of files) {
    if (/(^|\/)test\/|\.test\.ts$|tsconfig\.json$|\.tsbuildinfo$/.test(f)) errors.push(`tarball ships ${f}`);
  }
  const manifest = run('tar', ['-xzOf', tarball, 'package/package.json']);
  if (manifest.out.includes('workspace:')) errors.push('packed package.json still has a "workspace:" range');
}

const packagesDir = join(root, 'packages');
const results = [];
const tmp = mkdtempSync(join(tmpdir(), 'tokvault-check-'));
try {
  for (const name of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (pkg.private) continue;
    if (only.length > 0 && !only.includes(pkg.name) && !only.includes(name)) continue;
    if (!existsSync(join(dir, 'src', 'index.ts'))) {
      console.log(`SKIP  ${pkg.name}: packages/${name}/src/index.ts does not exist yet (not implemented)`);
      results.push({ name: pkg.name, status: 'skipped' });
      continue;
    }
    console.log(`\n=== ${pkg.name}`);
    const errors = [];
    const targets = checkManifest(pkg, dir, errors);
    if (build) {
      const b = run('pnpm', ['run', '--silent', 'build'], dir);
      if (!b.ok) errors.push(`build failed:\n${b.out}`);
    }
    for (const t of targets) {
      if (!existsSync(join(dir, t)))
        errors.push(`build output ${t} does not exist${build ? '' : ' (run the build first)'}`);
    }
    const dest = join(tmp, name);
    const pack = run('pnpm', ['pack', '--pack-destination', dest], dir);
    const tarball = pack.ok ? readdirSync(dest).find((f) => f.endsWith('.tgz')) : undefined;
    if (!tarball) {
      errors.push(`pnpm pack failed:\n${pack.out}`);
    } else {
      const path = join(dest, tarball);
      const sources = Object.values(pkg.exports ?? {})
        .map((entry) => entry?.[SOURCE_CONDITION])
        .filter((src) => typeof src === 'string');
      checkTarball(path, targets, sources, errors);
      const publint = run(bin('publint'), ['run', path, '--strict']);
      console.log(publint.out.replace(/^/gm, '  publint | '));
      if (!publint.ok || /\n(Errors|Warnings|Suggestions):/.test(`\n${publint.out}`)) {
        errors.push('publint --strict reported problems (see above)');
      }
      const attw = run(bin('attw'), [
        path,
        '--profile',
        'node16',
        '--format',
        'table-flipped',
        '--no-emoji',
        '--no-color',
      ]);
      console.log(attw.out.replace(/^/gm, '  attw    | '));
      if (!attw.ok) errors.push('attw reported problems (see above)');
    }
    for (const e of errors) console.log(`  FAIL: ${e}`);
    results.push({ name: pkg.name, status: errors.length === 0 ? 'ok' : 'failed', errors: errors.length });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('\npackage checks:');
for (const r of results) {
  console.log(
    `  ${r.status.padEnd(8)} ${r.name}${r.errors ? ` (${r.errors} problem${r.errors > 1 ? 's' : ''})` : ''}`,
  );
}
const checked = results.filter((r) => r.status !== 'skipped').length;
const failed = results.filter((r) => r.status === 'failed').length;
console.log(
  `packages: ${checked - failed} ok, ${failed} with problems, ${results.length - checked} not implemented yet`,
);
if (checked === 0) {
  console.log('no public package has src/index.ts: nothing was checked');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
