#!/usr/bin/env node
/**
 * Every TypeScript/JavaScript code block in the repository's Markdown is type-checked, and the
 * ones marked runnable are run. Rules and markers: docs/snippets.md.
 *
 *   node .ci/check-snippets.mjs [--no-run] [--keep] [--out=.snippets] [--tsdoc | --no-tsdoc] [file.md | file.ts ...]
 *
 * - Markdown files: every *.md outside node_modules, dist, coverage, .changeset, docs/api and
 *   CHANGELOG.md (or the files given).
 * - Blocks: ```ts, ```typescript, ```tsx, ```js, ```javascript, ```mjs.
 * - Each block becomes one module under docs/.snippets/ (a workspace package, so `@tokvault/*`
 *   resolve from source through the `@tokvault/source` condition and ky/msw/axios are the
 *   workspace's majors: ky 2, msw 3). One `tsc --noEmit` checks all of them together.
 * - `<!-- snippet: fragment; reason -->` before a block skips it (the reason is printed);
 *   `<!-- snippet: run -->` also executes it with tsx (Node 24), 30 s timeout.
 * - A block that uses ky 2's `prefix` or msw 3's `onUnhandledFrame` must say which major it
 *   needs (e.g. a comment `// ky 2` / `// msw 3`).
 * - The ```ts blocks of the `@example` tags of the public packages' TSDoc are type-checked too, in
 *   a second program (docs/.snippets/tsdoc/) with the public names auto-imported and the reader's
 *   values declared by .ci/tsdoc-prelude.d.ts (see .ci/tsdoc-examples.mjs). `--no-tsdoc` skips them;
 *   naming files checks only those (`.md`: Markdown, `.ts`: TSDoc sources); `--tsdoc` adds all
 *   the TSDoc examples to named Markdown files.
 * Errors are reported as `file.md:line` (`file.ts:line` for TSDoc). Exits 1 on any error.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsdocExamples, tsdocModule } from './tsdoc-examples.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// A folder directly under docs/ (its node_modules and ../../tsconfig.base.json); tests pass their own.
const outDir = join(root, 'docs', args.find((a) => a.startsWith('--out='))?.slice(6) ?? '.snippets');
const runSnippets = !args.includes('--no-run');
const keep = args.includes('--keep');
const named = args.filter((a) => !a.startsWith('--'));
const only = named.filter((a) => !a.endsWith('.ts'));
const onlyTsdoc = named.filter((a) => a.endsWith('.ts'));
const checkTsdoc =
  onlyTsdoc.length > 0 || args.includes('--tsdoc') || (named.length === 0 && !args.includes('--no-tsdoc'));
const tsdocDir = join(outDir, 'tsdoc');

const LANGS = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', mjs: 'js' };
const MARKERS = new Set(['fragment', 'run']);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', '.changeset', '.tmp']);
const RUN_TIMEOUT_MS = 30_000;

function markdownFiles(dir = root) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.snippets') && rel !== join('docs', 'api'))
        found.push(...markdownFiles(path));
    } else if (entry.name.endsWith('.md') && entry.name !== 'CHANGELOG.md') {
      found.push(rel);
    }
  }
  return found.sort();
}

/** Code blocks of one Markdown file, with the marker that precedes each. */
function extract(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks = [];
  const errors = [];
  let marker = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = /^<!--\s*snippet:\s*([a-z-]+)\s*[;:,]?\s*(.*?)\s*-->\s*$/.exec(line.trim());
    if (m) {
      if (!MARKERS.has(m[1]))
        errors.push(`${file}:${i + 1}: unknown snippet marker "${m[1]}" (see docs/snippets.md)`);
      if (m[1] === 'fragment' && !m[2]) errors.push(`${file}:${i + 1}: "snippet: fragment" needs a reason`);
      marker = { kind: m[1], reason: m[2], line: i + 1 };
      continue;
    }
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!open) {
      if (line.trim() !== '') marker = null;
      continue;
    }
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    const kind = LANGS[lang.toLowerCase()];
    if (kind) blocks.push({ file, line: i + 1, lang: kind, code: body.join('\n'), marker });
    else if (marker) errors.push(`${file}:${marker.line}: snippet marker before a \`\`\`${lang} block`);
    marker = null;
    i = j;
  }
  if (marker) errors.push(`${file}:${marker.line}: snippet marker not followed by a code block`);
  return { blocks, errors };
}

/** Version notes: ky 2-only and msw 3-only APIs must say so. */
function versionNotes(block) {
  const errors = [];
  const usesKy = /from ['"]ky['"]|ky\.create|ky\.extend/.test(block.code);
  if (usesKy && /\bprefix\s*:/.test(block.code) && !/\bky\s*2\b|\bky@2\b/.test(block.code)) {
    errors.push(
      "uses ky 2's `prefix` (ky 1: `prefixUrl`) without saying it needs ky 2 (add a `// ky 2` comment)",
    );
  }
  if (/\bonUnhandledFrame\b/.test(block.code) && !/\bmsw\s*3\b|\bmsw@3\b/.test(block.code)) {
    errors.push(
      "uses msw 3's `onUnhandledFrame` (msw 2: `onUnhandledRequest`) without saying it needs msw 3",
    );
  }
  return errors;
}

/** Relative imports in a snippet resolve from its Markdown file's folder, as a reader expects. */
function relativeImports(block) {
  return block.code.replace(
    /(\bfrom\s+|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g,
    (_, lead, quote, spec) => {
      const target = relative(outDir, resolve(root, dirname(block.file), spec)).replaceAll('\\', '/');
      return `${lead}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
    },
  );
}

const files = only.length > 0 ? only : onlyTsdoc.length > 0 ? [] : markdownFiles();
const errors = [];
const blocks = [];
for (const file of files) {
  const r = extract(file);
  errors.push(...r.errors);
  blocks.push(...r.blocks);
}
const tsdoc = checkTsdoc
  ? tsdocExamples(root, tsdocDir, onlyTsdoc.length > 0 ? onlyTsdoc : undefined)
  : { blocks: [], errors: [] };
errors.push(...tsdoc.errors);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const byModule = new Map();
const checked = [];
const skipped = [];
for (const block of blocks) {
  for (const e of versionNotes(block)) errors.push(`${block.file}:${block.line}: ${e}`);
  if (block.marker?.kind === 'fragment') {
    skipped.push(block);
    continue;
  }
  const slug = block.file.replace(/\.md$/, '').replace(/[^\w-]+/g, '_');
  const name = `${slug}_L${block.line}.${block.lang}`;
  writeFileSync(join(outDir, name), `${relativeImports(block)}\n`);
  byModule.set(name, block);
  checked.push(block);
}
const tsdocChecked = [];
mkdirSync(tsdocDir, { recursive: true });
for (const block of tsdoc.blocks) {
  if (block.marker?.kind === 'fragment') {
    skipped.push(block);
    continue;
  }
  const slug = block.file.replace(/\.ts$/, '').replace(/[^\w-]+/g, '_');
  const name = `${slug}_L${block.line}.ts`;
  const { text, offset } = tsdocModule(block);
  writeFileSync(join(tsdocDir, name), text);
  byModule.set(`tsdoc/${name}`, { ...block, line: block.line - offset });
  tsdocChecked.push(block);
}
writeFileSync(join(tsdocDir, 'tsdoc-prelude.d.ts'), readFileSync(join(root, '.ci', 'tsdoc-prelude.d.ts')));
writeFileSync(
  join(outDir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        moduleDetection: 'force',
        allowJs: true,
        checkJs: true,
        jsx: 'preserve',
        noUnusedLocals: false,
        types: ['node'],
      },
      include: ['*.ts', '*.tsx', '*.js'],
    },
    null,
    2,
  )}\n`,
);

writeFileSync(
  join(tsdocDir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../../tsconfig.base.json',
      compilerOptions: {
        moduleDetection: 'force',
        // The auto-imports do not know a type from a value.
        verbatimModuleSyntax: false,
        noUnusedLocals: false,
        types: ['node'],
      },
      include: ['*.ts'],
    },
    null,
    2,
  )}\n`,
);

/** Run tsc on a folder, asynchronously (the two programs check in parallel). */
function tsc(dir) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => resolve({ status, out }));
  });
}

const started = Date.now();
const programs = await Promise.all([
  checked.length > 0 ? tsc(outDir) : null,
  tsdocChecked.length > 0 ? tsc(tsdocDir) : null,
]);
for (const result of programs) {
  if (!result) continue;
  const { out, status } = result;
  // docs/.snippets/README_L123.ts(4,7): error TS2304: Cannot find name 'x'.
  for (const line of out.split('\n')) {
    const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line.trim());
    const key = m && (/(^|[\\/])tsdoc[\\/][^\\/]+$/.test(m[1]) ? `tsdoc/${basename(m[1])}` : basename(m[1]));
    if (m && byModule.has(key)) {
      const b = byModule.get(key);
      errors.push(`${b.file}:${b.line + Number(m[2])}:${m[3]}: ${m[4]}`);
    } else if (/error TS/.test(line)) {
      errors.push(line.trim());
    } else if (line.trim() && errors.length > 0 && /^\s/.test(line)) {
      errors[errors.length - 1] += `\n    ${line.trim()}`;
    }
  }
  if (status !== 0 && !/error TS/.test(out)) errors.push(`tsc failed:\n${out}`);
}
const tscMs = Date.now() - started;

function runOne(name, block) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@tokvault/source', '--import', 'tsx', join(outDir, name)],
      { cwd: outDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n(timed out after ${RUN_TIMEOUT_MS / 1000} s)`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        errors.push(`${block.file}:${block.line}: the runnable snippet exited ${code}:\n${out.trim()}`);
      resolve();
    });
  });
}

const runnable = [...byModule].filter(([, b]) => b.marker?.kind === 'run');
let ran = 0;
if (runSnippets && errors.length === 0) {
  await Promise.all(runnable.map(([name, block]) => runOne(name, block)));
  ran = runnable.length;
}

for (const b of skipped) console.log(`SKIP ${b.file}:${b.line} (fragment: ${b.marker.reason})`);
console.log(
  `${checked.length} snippets from ${files.length} Markdown files${checkTsdoc ? ` and ${tsdocChecked.length} TSDoc examples` : ''} type-checked in ${(tscMs / 1000).toFixed(1)} s; ` +
    `${ran} of ${runnable.length} runnable run${errors.length > 0 && ran === 0 && runnable.length > 0 ? ' (not run: fix the errors first)' : ''}; ` +
    `${skipped.length} skipped as fragments`,
);
if (!keep && errors.length === 0) rmSync(outDir, { recursive: true, force: true });
if (errors.length > 0) {
  console.error(`\n${errors.length} snippet error(s):\n`);
  for (const e of errors) console.error(`  ${e}`);
  process.exit(1);
}
