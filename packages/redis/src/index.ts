export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from './client.js';
export type { RedisStoreOptions, RedisStorePolicy } from './options.js';
export { createRedisStore, STORE_UNAVAILABLE } from './redisStore.js';
export type { RedisTokenStore } from './redisStore.js';
