/** Messages between scenario 8 (fleet wait) and its worker processes. */

/** A worker's configuration (JSON in `TOKVAULT_BENCH_FLEET`). */
export interface FleetWorkerConfig {
  client: 'node-redis' | 'ioredis';
  /** Key prefix of this run on the local Redis (127.0.0.1:6379). */
  prefix: string;
  clientId: string;
  clientSecret: string;
  /** Token endpoint of the vault that shares its token through the Redis store. */
  sharedTokenUrl: string;
  /** Token endpoint of the vault without a store (the baseline). */
  soloTokenUrl: string;
}

/** Parent -> worker: `callers` concurrent `getToken()` on one vault, or quit. */
export type FleetCommand =
  | { type: 'round'; id: number; vault: 'shared' | 'solo'; callers: number }
  | { type: 'close' };

/** Worker -> parent. */
export type FleetReply =
  | { type: 'ready' }
  | {
      type: 'round';
      id: number;
      /** Each caller's wait, ms. */
      waits: number[];
      failed: number;
      /** Tasks the store ran under the lock of the vault's key during the round. */
      locks: number;
    };
