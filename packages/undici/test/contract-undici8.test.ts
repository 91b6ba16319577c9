import { describeAdapterContract, describeDpopContract, heavy } from '@tokvault/testkit';
import * as undici from 'undici';
import { useMswBridge } from './bridge.js';
import { undiciContractClients } from './contractClients.js';

// undici 8 (the current major): the heavy scenarios in full for `undici.request`; Node's fetch
// adds its own per-request work, so its bursts are smaller (same assertions).
const { viaRequest, viaFetch } = undiciContractClients(undici, useMswBridge());
describeAdapterContract('undici (undici 8, undici.request)', viaRequest);
describeAdapterContract('undici (undici 8, fetch)', viaFetch, { burst: heavy(200), storm: heavy(150) });
describeDpopContract('undici (undici 8, undici.request)', viaRequest);
describeDpopContract('undici (undici 8, fetch)', viaFetch, { burst: heavy(200) });
