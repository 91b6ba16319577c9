import { describeAdapterContract } from '@tokvault/testkit';
import { ky1Client, ky2Client } from './kyClients.js';

describeAdapterContract('ky 2', ({ vault, baseUrl }) => ky2Client(vault, baseUrl));
describeAdapterContract('ky 1.14', ({ vault, baseUrl }) => ky1Client(vault, baseUrl));
