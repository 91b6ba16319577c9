import { describeAdapterContract, describeDpopContract, SECOND_SETUP } from '@tokvault/testkit';
import * as undici from 'undici';
import { useMswBridge } from './bridge.js';
import { undiciContractClients } from './contractClients.js';

// undici 8 (the current major): the heavy scenarios in full through `undici.request`; Node's
// fetch on the same interceptor runs every case with them at SECOND_SETUP's size.
const { viaRequest, viaFetch } = undiciContractClients(undici, useMswBridge());
describeAdapterContract('undici (undici 8, undici.request)', viaRequest);
describeAdapterContract('undici (undici 8, fetch)', viaFetch, SECOND_SETUP);
// DPoP's bursts run in full once, in the fetch adapter's contract (the proof and nonce logic is
// core's, shared by every adapter); here every DPoP case runs at SECOND_SETUP's size.
describeDpopContract('undici (undici 8, undici.request)', viaRequest, SECOND_SETUP);
describeDpopContract('undici (undici 8, fetch)', viaFetch, SECOND_SETUP);
