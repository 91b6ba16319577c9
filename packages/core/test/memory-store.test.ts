import { describeTokenStoreContract } from '../../testkit/src/index.js';
import { createMemoryStore } from '../src/index.js';

describeTokenStoreContract('memory', async () => {
  const store = createMemoryStore();
  // One process, one map: the "peer" is the same instance.
  return { store, peer: async () => store };
});
