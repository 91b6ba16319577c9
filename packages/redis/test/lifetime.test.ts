/**
 * Process lifetime with a Redis store: once the app closed its vaults and quit its own client,
 * the process exits by itself; the store's pub/sub connection does not keep it alive.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, deleteKeys, type TestClient, uniquePrefix } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fixtures/exitAfterClose.ts', import.meta.url));
/** Far beyond a normal exit (about a second): past it, the process is taken as hanging. */
const HANG_MS = 30_000;
const KINDS = ['node-redis', 'ioredis'];

function run(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@tokvault/source', SCRIPT, ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise<{ exited: boolean; code: number | null; out: string; err: string }>((resolve) => {
    let hung = false;
    const kill = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ exited: !hung, code, out, err });
    });
  });
}

describe('a process that closed its vault and quit its client exits by itself', () => {
  let redis: TestClient;
  const prefix = uniquePrefix('exit');
  beforeAll(async () => {
    redis = await connect('node-redis 6');
  });
  afterAll(async () => {
    for (const kind of KINDS) await deleteKeys(redis, `${prefix}-${kind}`);
    await redis.close();
  });

  it.each(KINDS)(
    '%s',
    async (kind) => {
      const result = await run([kind, `${prefix}-${kind}`]);
      expect(result.err).toBe('');
      expect(result.out).toBe('closed with a Bearer token\n');
      expect(result).toMatchObject({ exited: true, code: 0 });
    },
    60_000,
  );
});
