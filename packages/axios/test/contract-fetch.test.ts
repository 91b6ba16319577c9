import { describeAdapterContract, describeDpopContract } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

describeAdapterContract('axios (fetch adapter)', axiosContractClient('fetch'));
describeDpopContract('axios (fetch adapter)', axiosContractClient('fetch'));
