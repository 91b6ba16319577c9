export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from './clientShape.js';
export { LOCK_LOST, STORE_CLOSED, STORE_UNAVAILABLE } from './errors.js';
export type { RedisStoreOptions, RedisStorePolicy } from './options.js';
export type { RedisTokenStore } from './redisStore.js';
export { createRedisStore } from './redisStore.js';
