import {
  type AdapterContractFactory,
  describeAdapterContract,
  describeDpopContract,
  SECOND_SETUP,
} from '@tokvault/testkit';
import { ky2Client } from './kyClients.js';

// ky 2, with `baseUrl` as the base whose origin gets the token
const factory: AdapterContractFactory = ({ vault, baseUrl, adapterOptions }) =>
  ky2Client(vault, baseUrl, adapterOptions);
describeAdapterContract('ky 2', factory);
// DPoP's bursts run in full once, in the fetch adapter's contract (the proof and nonce logic is
// core's, shared by every adapter); here every DPoP case runs at SECOND_SETUP's size.
describeDpopContract('ky 2', factory, SECOND_SETUP);
