/**
 * The ```ts blocks of the `@example` tags in the public packages' TSDoc, for
 * .ci/check-snippets.mjs (rules: docs/snippets.md, "Examples in the TSDoc").
 *
 * - Sources: packages/<pkg>/src/**\/*.ts of every package but testkit (private).
 * - Each block becomes a module checked in its own tsc program (docs/.snippets/tsdoc/), with
 *   - imports added for the names it uses but does not import or declare, from the public entry
 *     points: its own package's first, then @tokvault/core's;
 *   - `tsdoc-prelude.d.ts`: the ambient values a reader brings (`vault`, `tokenUrl`, `log`, …),
 *     visible to the TSDoc examples only (the Markdown snippets declare what they use).
 * - `<!-- snippet: fragment; reason -->` on a comment line before a block skips it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Public entry points: `{ specifier, names }` per entry, from each package.json's `exports`. */
function entryPoints(root, pkg) {
  const dir = join(root, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const source = typeof target === 'object' ? target['@tokvault/source'] : undefined;
    if (!source) continue;
    const text = readFileSync(join(dir, source), 'utf8');
    const names = new Set();
    for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from/g)) {
      for (const part of m[1].split(',')) {
        const name = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop();
        if (name) names.add(name);
      }
    }
    for (const m of text.matchAll(/export\s+(?:async\s+)?(?:const|function|class|interface|type)\s+(\w+)/g))
      names.add(m[1]);
    entries.push({
      specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
      names,
    });
  }
  return entries;
}

function sourceFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found.sort();
}

const MARKER = /^<!--\s*snippet:\s*([a-z-]+)\s*[;:,]?\s*(.*?)\s*-->\s*$/;

/** The blocks of one source file's `@example` tags, each with the entries it may auto-import from. */
function extractFile(root, path) {
  const file = relative(root, path);
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks = [];
  const errors = [];
  let inComment = false;
  let inExample = false;
  let marker = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!inComment) {
      if (/^\s*\/\*\*/.test(raw) && !/\*\/\s*$/.test(raw.replace(/^\s*\/\*\*/, ''))) {
        inComment = true;
        inExample = false;
        marker = null;
      }
      continue;
    }
    if (/\*\/\s*$/.test(raw) && !/^\s*\*?\s*```/.test(raw)) {
      inComment = false;
      continue;
    }
    const text = raw.replace(/^\s*\* ?/, '');
    if (/^@\w+/.test(text)) inExample = /^@example\b/.test(text);
    const m = MARKER.exec(text.trim());
    if (m) {
      if (m[1] !== 'fragment') errors.push(`${file}:${i + 1}: TSDoc examples know only "snippet: fragment"`);
      else if (!m[2]) errors.push(`${file}:${i + 1}: "snippet: fragment" needs a reason`);
      marker = { kind: m[1], reason: m[2], line: i + 1 };
      continue;
    }
    const open = /^(`{3,})\s*([\w-]*)/.exec(text);
    if (!open) {
      if (text.trim() !== '') marker = null;
      continue;
    }
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const t = lines[j].replace(/^\s*\* ?/, '');
      if (/^`{3,}\s*$/.test(t) || /\*\/\s*$/.test(lines[j])) break;
      body.push(t);
    }
    if (inExample && /^(ts|typescript)$/i.test(open[2]))
      blocks.push({ file, line: i + 1, lang: 'ts', code: body.join('\n'), marker, tsdoc: true });
    marker = null;
    i = j;
  }
  return { blocks, errors };
}

/** Libraries the examples use without importing them (the reader's test or app file does). */
const LIBRARIES = [
  { specifier: 'vitest', names: new Set(['expect', 'it', 'vi', 'describe']) },
  { specifier: 'msw', names: new Set(['http', 'HttpResponse']) },
  { specifier: 'msw/node', names: new Set(['setupServer']) },
  { specifier: 'redis', names: new Set(['createClient']) },
  { specifier: 'axios', default: 'axios' },
  { specifier: 'ioredis', default: 'Redis' },
  { specifier: 'ky', default: 'ky' },
];

/** The names a source file exports itself (its internal helpers' examples use them). */
function ownExports(moduleDir, path) {
  const names = new Set();
  for (const m of readFileSync(path, 'utf8').matchAll(
    /^export\s+(?:declare\s+)?(?:async\s+)?(?:const|function|class|interface|type)\s+(\w+)/gm,
  ))
    names.add(m[1]);
  const specifier = relative(moduleDir, path).replaceAll('\\', '/').replace(/\.ts$/, '.js');
  return { specifier, names };
}

/**
 * The TSDoc examples of `files` (paths from the root; default: every source file of the public
 * packages), to be written as modules into `moduleDir`, each with what it may auto-import: the entry points of the package the file is in
 * (a file outside packages/ gets core's), core's, the file's own exports, the libraries.
 */
export function tsdocExamples(root, moduleDir, files) {
  const paths =
    files ??
    readdirSync(join(root, 'packages'))
      .filter((p) => p !== 'testkit')
      .flatMap((pkg) => sourceFiles(join(root, 'packages', pkg, 'src')));
  const core = entryPoints(root, 'core');
  const entriesOf = new Map();
  const blocks = [];
  const errors = [];
  for (const file of paths) {
    const path = resolve(root, file);
    const pkg = /^packages[\\/]([^\\/]+)[\\/]src[\\/]/.exec(relative(root, path))?.[1] ?? 'core';
    if (!entriesOf.has(pkg)) entriesOf.set(pkg, pkg === 'core' ? core : [...entryPoints(root, pkg), ...core]);
    const r = extractFile(root, path);
    errors.push(...r.errors);
    const all = [...entriesOf.get(pkg), ownExports(moduleDir, path), ...LIBRARIES];
    for (const b of r.blocks) blocks.push({ ...b, entries: all });
  }
  return { blocks, errors };
}

/**
 * The module text of a TSDoc example: imports for the public names it uses without importing or
 * declaring them, then its code. Returns the text and the number of lines added before the code.
 */
export function tsdocModule(block) {
  const code = block.code;
  // Names the block brings itself: imported, or declared at any level (a local shadows an import).
  const own = new Set();
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const part of m[1].split(',')) own.add(part.trim().split(/\s+/).pop());
  for (const m of code.matchAll(/import\s+(?:type\s+)?(?:\*\s+as\s+)?(\w+)\s+from/g)) own.add(m[1]);
  for (const m of code.matchAll(/\b(?:const|let|var|function|class|interface|type|enum)\s+(\w+)/g))
    own.add(m[1]);
  const words = new Set(code.replace(/(['"`]).*?\1|\/\/.*$/gm, '').match(/\b[A-Za-z_$][\w$]*\b/g) ?? []);
  const bySpecifier = new Map();
  const taken = new Set();
  const defaults = [];
  for (const { specifier, names = new Set(), default: name } of block.entries) {
    if (name && words.has(name) && !own.has(name) && !taken.has(name)) {
      taken.add(name);
      defaults.push(`import ${name} from '${specifier}';`);
    }
    for (const name of names) {
      if (!words.has(name) || own.has(name) || taken.has(name)) continue;
      taken.add(name);
      if (!bySpecifier.has(specifier)) bySpecifier.set(specifier, []);
      bySpecifier.get(specifier).push(name);
    }
  }
  const header = [
    ...defaults,
    ...[...bySpecifier].map(([specifier, names]) => `import { ${names.join(', ')} } from '${specifier}';`),
  ];
  return { text: `${[...header, code].join('\n')}\n`, offset: header.length };
}
