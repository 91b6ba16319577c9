#!/usr/bin/env node
/**
 * Pack smoke test: the published artefacts, used as a consumer would use them.
 *
 *   node .ci/pack-smoke.mjs          (after `pnpm build`; rebuilds a package whose dist/ is missing or stale)
 *
 * 1. `pnpm pack` every public package that has src/index.ts (workspace:^ ranges become real ones).
 * 2. For each Node - the machine's system Node 20 and the pinned Node 24 (`pnpm exec node`) - make
 *    an empty project under $TMPDIR and `npm install` the tarballs, plus the client libraries at
 *    versions that Node supports (Node 20: ky 1, msw 2, undici 7; Node 24: ky 2, msw 3, undici 8).
 * 3. Type-check a consumer file against the installed packages (tsc: bundler, node16, nodenext).
 * 4. Run .ci/smoke/harness.cjs through `import` (esm.mjs) and `require` (cjs.cjs) on that Node:
 *    every package is loaded; core, axios, ky, fetch and undici (as the global dispatcher, for the
 *    global fetch and undici.request) make real requests against a loopback
 *    token endpoint and API (one refresh after a revocation, one retried 401), and
 *    @tokvault/msw's HTTP server serves @tokvault/core/oauth2's clientCredentials.
 *
 * Env: SMOKE_SYSTEM_NODE=/path/to/node overrides the system Node lookup; SMOKE_KEEP=1 keeps the
 * temporary projects.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const log = (msg) => console.log(`[smoke +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function nodeMajor(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /^v(\d+)\./.exec(r.stdout ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The machine's Node: the first `node` on PATH outside any node_modules (pnpm puts Node 24 there). */
function systemNode() {
  if (process.env.SMOKE_SYSTEM_NODE) return process.env.SMOKE_SYSTEM_NODE;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !d.includes('node_modules'));
  for (const dir of [...dirs, '/usr/local/bin', '/usr/bin']) {
    const bin = join(dir, 'node');
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      continue;
    }
    if (nodeMajor(bin) !== undefined) return bin;
  }
  return undefined;
}

/** The repository's pinned Node (the `node` devDependency), as `pnpm exec node` runs it. */
function pinnedNode() {
  return execFileSync('pnpm', ['exec', 'node', '-p', 'process.execPath'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

/** dist/index.js missing, or older than a file in src/ (a local run after editing sources). */
function isStale(pkgDir) {
  const built = join(pkgDir, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const srcDir = join(pkgDir, 'src');
  return readdirSync(srcDir, { recursive: true }).some((f) => statSync(join(srcDir, f)).mtimeMs > builtAt);
}

function run(cmd, args, opts) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, code, signal, out: out.trim() });
    });
  });
}

// 1. Which packages, and their tarballs.
const packages = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const manifestPath = join(root, 'packages', dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (pkg.private) continue;
  if (!existsSync(join(root, 'packages', dir, 'src', 'index.ts'))) {
    log(`SKIP ${pkg.name}: packages/${dir}/src/index.ts does not exist yet`);
    continue;
  }
  packages.push({ dir, name: pkg.name, short: pkg.name.replace('@tokvault/', '') });
}
if (!packages.some((p) => p.short === 'core')) {
  console.error('smoke: @tokvault/core is not implemented; nothing to smoke-test');
  process.exit(1);
}

const work = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'tokvault-smoke-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
let failed = false;
try {
  for (const p of packages) {
    const cwd = join(root, 'packages', p.dir);
    if (isStale(cwd)) {
      log(`${p.name}: dist/ is missing or older than src/, building`);
      const built = spawnSync('pnpm', ['run', '--silent', 'build'], { cwd, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`${p.name}: build failed:\n${built.stdout}${built.stderr}`);
    }
    const out = execFileSync('pnpm', ['pack', '--pack-destination', tarballs, '--json'], {
      cwd,
      encoding: 'utf8',
    });
    p.tarball = JSON.parse(out).filename;
  }
  log(`packed ${packages.map((p) => p.short).join(', ')}`);

  // 2. One consumer project per Node.
  const sys = systemNode();
  if (!sys) throw new Error('no system Node found outside node_modules (set SMOKE_SYSTEM_NODE)');
  const pinned = pinnedNode();
  const targets = [
    { label: `node${nodeMajor(sys)}`, node: sys },
    { label: `node${nodeMajor(pinned)}`, node: pinned },
  ];
  if (targets[0].label === targets[1].label) {
    log(`the system Node is ${targets[0].label} like the pinned one: testing it once`);
    targets.pop();
  }
  const libsFor = (major) =>
    major >= 22
      ? { axios: '^1.0.0', ky: '^2.0.0', msw: '^3.0.0', undici: '^8.0.0' }
      : { axios: '^1.0.0', ky: '~1.14.0', msw: '^2.0.0', undici: '^7.0.0' };
  const names = packages.map((p) => p.short);

  const installs = targets.map(async (t) => {
    const dir = join(work, t.label);
    mkdirSync(dir);
    const major = nodeMajor(t.node);
    const deps = Object.fromEntries(packages.map((p) => [p.name, `file:${p.tarball}`]));
    for (const [lib, range] of Object.entries(libsFor(major))) {
      if (names.includes(lib)) deps[lib] = range;
    }
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'smoke-consumer', private: true, dependencies: deps }, null, 2),
    );
    copyFileSync(join(root, '.ci', 'smoke', 'harness.cjs'), join(dir, 'harness.cjs'));
    writeEntries(dir, names);
    // npm is a JS program: run it on the target Node so engine checks and install scripts match.
    const npm = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      {
        cwd: dir,
        env: { ...process.env, PATH: `${dirname(t.node)}${delimiter}${process.env.PATH}` },
        timeoutMs: 120_000,
      },
    );
    if (!npm.ok) throw new Error(`${t.label}: npm install failed:\n${npm.out}`);
    return { ...t, dir };
  });
  const projects = await Promise.all(installs);
  log(`installed the tarballs into ${projects.map((p) => p.label).join(' and ')} projects under ${work}`);

  // 3. Types as a TypeScript consumer sees them (the repo's tsc, skipLibCheck off), started now
  //    to run alongside step 4: ky 1 / msw 2 types through a bundler; ky 2 / msw 3 through
  //    nodenext and node16.
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const checks = projects.flatMap((project) =>
    writeTypeChecks(project.dir, names)
      .filter(
        (config) => (project === projects.at(-1)) !== config.includes('bundler') || projects.length === 1,
      )
      .map((config) => ({ project, config })),
  );
  const typeResults = Promise.all(
    checks.map(({ project, config }) =>
      run(tsc, ['-p', config], { cwd: join(project.dir, 'types'), timeoutMs: 180_000 }),
    ),
  );

  // 4. import and require, on each Node.
  for (const project of projects) {
    for (const entry of ['esm.mjs', 'cjs.cjs']) {
      const r = await run(project.node, [entry], { cwd: project.dir, timeoutMs: 60_000 });
      const what = `${project.label} ${entry.startsWith('esm') ? 'import ' : 'require'}`;
      const last = r.out.split('\n').at(-1) ?? '';
      if (r.ok && last.startsWith('{')) {
        const { requests, importedOnly } = JSON.parse(last);
        log(
          `ok   ${what}: requests through ${requests.join(', ')}; imported ${importedOnly.join(', ') || '-'}`,
        );
      } else {
        failed = true;
        log(`FAIL ${what} (exit ${r.code ?? r.signal}):\n${r.out}`);
      }
    }
  }

  const results = await typeResults;
  checks.forEach(({ project, config }, i) => {
    const what = `${project.label} types ${config.replace(/^tsconfig\.|\.json$/g, '')}`;
    if (results[i].ok) log(`ok   ${what}`);
    else {
      failed = true;
      log(`FAIL ${what}:\n${results[i].out}`);
    }
  });
} catch (error) {
  failed = true;
  console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (process.env.SMOKE_KEEP) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
log(failed ? 'pack smoke test FAILED' : 'pack smoke test ok');
process.exit(failed ? 1 : 0);

/** The two entry points: the same harness through `import` and through `require`. */
function writeEntries(dir, names) {
  const kyMajorExpr = `Number(JSON.parse(require('node:fs').readFileSync(require.resolve('ky').replace(/distribution.*$/, 'package.json'), 'utf8')).version.split('.')[0])`;
  const undiciMajorExpr = `Number(require('undici/package.json').version.split('.')[0])`;
  const esm = [
    `import { createRequire } from 'node:module';`,
    `import harness from './harness.cjs';`,
    `const require = createRequire(import.meta.url);`,
    `const mods = {`,
    ...names.map((n) => `  ${JSON.stringify(n)}: await import('@tokvault/${n}'),`),
    `};`,
    `const libs = { otherCore: require('@tokvault/core'), oauth2: await import('@tokvault/core/oauth2') };`,
    names.includes('axios') ? `libs.axios = (await import('axios')).default;` : '',
    names.includes('ky') ? `libs.ky = (await import('ky')).default; libs.kyMajor = ${kyMajorExpr};` : '',
    names.includes('undici')
      ? `libs.undici = await import('undici'); libs.undiciMajor = ${undiciMajorExpr};`
      : '',
    `console.log(JSON.stringify(await harness.runSmoke(mods, libs)));`,
  ];
  const cjs = [
    `'use strict';`,
    `const { runSmoke } = require('./harness.cjs');`,
    `(async () => {`,
    `  const mods = {`,
    ...names.map((n) => `    ${JSON.stringify(n)}: require('@tokvault/${n}'),`),
    `  };`,
    `  const libs = { otherCore: await import('@tokvault/core'), oauth2: require('@tokvault/core/oauth2') };`,
    names.includes('axios') ? `  libs.axios = require('axios');` : '',
    names.includes('ky') ? `  libs.ky = require('ky').default; libs.kyMajor = ${kyMajorExpr};` : '',
    names.includes('undici')
      ? `  libs.undici = require('undici'); libs.undiciMajor = ${undiciMajorExpr};`
      : '',
    `  console.log(JSON.stringify(await runSmoke(mods, libs)));`,
    `})().catch((error) => { console.error(error); process.exit(1); });`,
  ];
  writeFileSync(join(dir, 'esm.mjs'), `${esm.filter(Boolean).join('\n')}\n`);
  writeFileSync(join(dir, 'cjs.cjs'), `${cjs.filter(Boolean).join('\n')}\n`);
}

/**
 * A consumer's TypeScript: every package's main function used with its client library.
 * - bundler:  ESM through the `import` types;
 * - nodenext: ESM and CJS (.cts, `require` types); TS >= 5.8 allows a CJS file to import an
 *   ESM-only package (require(esm)), which @tokvault/msw's CJS types need with msw 3;
 * - node16:   ESM, and CJS without the ESM-only libraries (ky, and msw via @tokvault/msw), which
 *   no CJS file can import under node16 whatever we ship.
 * Returns the tsconfig file names.
 */
function writeTypeChecks(dir, names) {
  const types = join(dir, 'types');
  mkdirSync(types, { recursive: true });
  const has = (n) => names.includes(n);
  const body = (esmOnlyLibs) =>
    `${[
      `import { createTokenVault, TokenRefreshError, type Token } from '@tokvault/core';`,
      `const vault = createTokenVault({ fetchToken: async ({ signal }) => (signal.aborted ? 'x' : { accessToken: 'a', expiresIn: 60 }) });`,
      `export const token: Promise<Token> = vault.getToken({ minValidityMs: 1000 });`,
      `export const isRefreshError = (e: unknown): e is TokenRefreshError => e instanceof TokenRefreshError;`,
      ...(has('axios')
        ? [
            `import axios from 'axios';`,
            `import { attachTokenVault } from '@tokvault/axios';`,
            `const instance = axios.create({ baseURL: 'http://127.0.0.1:1' });`,
            `export const detach: () => void = attachTokenVault(instance, vault);`,
            `export const optOut = instance.get('/public', { tokenVault: false });`,
          ]
        : []),
      ...(has('ky') && esmOnlyLibs
        ? [
            `import ky from 'ky';`,
            `import { tokenVaultHooks } from '@tokvault/ky';`,
            `export const api = ky.create({ hooks: tokenVaultHooks(vault, { origins: ['http://127.0.0.1:1'] }) });`,
          ]
        : []),
      ...(has('fetch')
        ? [
            `import { createAuthFetch } from '@tokvault/fetch';`,
            `const authFetch = createAuthFetch(vault, { origins: 'http://127.0.0.1:1' });`,
            `export const response: Promise<Response> = authFetch('http://127.0.0.1:1/x', { method: 'GET' });`,
          ]
        : []),
      ...(has('undici')
        ? [
            `import { Agent } from 'undici';`,
            `import { tokenVaultInterceptor } from '@tokvault/undici';`,
            `export const dispatcher = new Agent().compose(tokenVaultInterceptor(vault, { origins: 'http://127.0.0.1:1' }));`,
          ]
        : []),
      ...(has('msw') && esmOnlyLibs ? [`export { createMockAuthServer } from '@tokvault/msw';`] : []),
      ...(has('redis') ? [`export { createRedisStore } from '@tokvault/redis';`] : []),
      ...(has('browser') ? [`export { createBrowserStore } from '@tokvault/browser';`] : []),
    ].join('\n')}\n`;
  writeFileSync(join(types, 'consumer.mts'), body(true));
  writeFileSync(join(types, 'consumer.cts'), body(true));
  writeFileSync(join(types, 'consumer-node16.cts'), body(false));
  const config = (module, moduleResolution, files) =>
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution,
        target: 'es2022',
        lib: ['es2023', 'dom', 'esnext.disposable'],
        strict: true,
        esModuleInterop: true,
        skipLibCheck: false,
        noEmit: true,
        types: [],
      },
      files,
    });
  writeFileSync(join(types, 'tsconfig.bundler.json'), config('esnext', 'bundler', ['consumer.mts']));
  writeFileSync(
    join(types, 'tsconfig.nodenext.json'),
    config('nodenext', 'nodenext', ['consumer.mts', 'consumer.cts']),
  );
  writeFileSync(
    join(types, 'tsconfig.node16.json'),
    config('node16', 'node16', ['consumer.mts', 'consumer-node16.cts']),
  );
  return ['tsconfig.bundler.json', 'tsconfig.nodenext.json', 'tsconfig.node16.json'];
}
