/**
 * The Lua scripts of the lock protocol. Every script touches keys of ONE hash tag
 * (`{prefix:name}`), so they run unchanged on Redis Cluster.
 */
import { createHash } from 'node:crypto';
import type { Connection } from './client.js';

/** A Lua script and its SHA-1 (for `EVALSHA`). */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** KEYS: token. Returns `{value or false, pttl}` atomically. */
export const READ = script(`return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`);

/**
 * KEYS: lock, token. ARGV: owner, value, ttl ms (0 = none), channel, origin (the writing store).
 * Writes only while the lock holds `owner`: a stale holder can never overwrite a newer token.
 */
export const WRITE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('PUBLISH', ARGV[4], 'set ' .. ARGV[5])
return 1`);

/**
 * KEYS: lock, token. ARGV: owner, ttl ms, the token value the caller last read ('' = none).
 * `SET NX PX` only while the token is still the one the caller read; `changed` tells a caller
 * whose read raced another holder's write to read again instead of taking the lock.
 */
export const ACQUIRE = script(`
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return 'changed' end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`);

/** KEYS: lock. ARGV: owner, ttl ms. The watchdog's lease extension, only for the owner. */
export const EXTEND = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`);

/** KEYS: lock. ARGV: owner, channel. Compare-and-delete, then wake the waiters. */
export const RELEASE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], 'unlock')
return 1`);

/** KEYS: token. ARGV: channel, origin (the deleting store). Delete and tell the sharers. */
export const REMOVE = script(`
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], 'del ' .. ARGV[2])
return 1`);

/** Run a script by SHA, loading it with `EVAL` when the server does not know it yet. */
export async function runScript(
  conn: Connection,
  s: Script,
  keys: readonly string[],
  args: readonly string[],
  onLateReply?: (reply: unknown) => void,
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await conn.send(['EVALSHA', s.sha, ...tail], onLateReply);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    return conn.send(['EVAL', s.source, ...tail], onLateReply);
  }
}
