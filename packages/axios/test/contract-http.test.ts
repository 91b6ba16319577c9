import { describeAdapterContract } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

describeAdapterContract('axios (http adapter)', axiosContractClient('http'));
