import {
  type AdapterContractFactory,
  describeAdapterContract,
  describeDpopContract,
} from '@tokvault/testkit';
import { ky1Client } from './kyClients.js';

// ky 1.14 (the `ky1` alias), with `prefixUrl` as the base whose origin gets the token
const factory: AdapterContractFactory = ({ vault, baseUrl, adapterOptions }) =>
  ky1Client(vault, baseUrl, adapterOptions);
describeAdapterContract('ky 1.14', factory);
describeDpopContract('ky 1.14', factory);
