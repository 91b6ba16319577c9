import {
  type AdapterContractFactory,
  describeAdapterContract,
  describeDpopContract,
} from '@tokvault/testkit';
import { ky2Client } from './kyClients.js';

// ky 2, with `baseUrl` as the base whose origin gets the token
const factory: AdapterContractFactory = ({ vault, baseUrl, adapterOptions }) =>
  ky2Client(vault, baseUrl, adapterOptions);
describeAdapterContract('ky 2', factory);
describeDpopContract('ky 2', factory);
