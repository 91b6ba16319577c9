/**
 * The shared TokenStore contract in Node.js, with both lock flavours. The same contract runs in
 * real Chromium (tabs of one context) in examples/browser-ky/test/store-contract.test.ts.
 */
import { describeTokenStoreContract } from '@tokvault/testkit';
import { contractSubject } from './support.js';

describeTokenStoreContract('browser (Web Locks, Node.js)', () => contractSubject());
describeTokenStoreContract('browser (IndexedDB lease fallback, Node.js)', () =>
  contractSubject({ locks: null }),
);
