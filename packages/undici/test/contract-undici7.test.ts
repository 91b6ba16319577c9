import { describeAdapterContract, describeDpopContract, SECOND_SETUP } from '@tokvault/testkit';
import type * as undici8 from 'undici';
import * as undici7 from 'undici7';
import { useMswBridge } from './bridge.js';
import { undiciContractClients } from './contractClients.js';

// undici 7 (same runtime API; typed as undici 8, the two majors' type files differ in details).
// The previous major runs every case; its heavy scenarios at SECOND_SETUP's size, since
// contract-undici8 runs them in full (undici.request) through the same interceptor code.
const { viaRequest, viaFetch } = undiciContractClients(undici7 as unknown as typeof undici8, useMswBridge());
describeAdapterContract('undici (undici 7, undici.request)', viaRequest, SECOND_SETUP);
describeAdapterContract('undici (undici 7, fetch)', viaFetch, SECOND_SETUP);
describeDpopContract('undici (undici 7, undici.request)', viaRequest, SECOND_SETUP);
describeDpopContract('undici (undici 7, fetch)', viaFetch, SECOND_SETUP);
