import { describeAdapterContract, describeDpopContract } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

describeAdapterContract('axios (http adapter)', axiosContractClient('http'));
describeDpopContract('axios (http adapter)', axiosContractClient('http'));
