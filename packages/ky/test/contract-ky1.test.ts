import {
  type AdapterContractFactory,
  describeAdapterContract,
  describeDpopContract,
  SECOND_SETUP,
} from '@tokvault/testkit';
import { ky1Client } from './kyClients.js';

// ky 1.14 (the `ky1` alias), with `prefixUrl` as the base whose origin gets the token. The
// previous major runs every case; its heavy scenarios at SECOND_SETUP's size (ky 2 runs them in
// full through the same hooks).
const factory: AdapterContractFactory = ({ vault, baseUrl, adapterOptions }) =>
  ky1Client(vault, baseUrl, adapterOptions);
describeAdapterContract('ky 1.14', factory, SECOND_SETUP);
describeDpopContract('ky 1.14', factory, SECOND_SETUP);
