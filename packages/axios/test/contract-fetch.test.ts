import { describeAdapterContract } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

describeAdapterContract('axios (fetch adapter)', axiosContractClient('fetch'));
