import { describeAdapterContract } from '@tokvault/testkit';
import { ky2Client } from './kyClients.js';

// ky 2, with `baseUrl` as the base whose origin gets the token
describeAdapterContract('ky 2', ({ vault, baseUrl, adapterOptions }) =>
  ky2Client(vault, baseUrl, adapterOptions),
);
