import { describeAdapterContract, describeDpopContract, SECOND_SETUP } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

// axios' fetch adapter runs every case; its heavy scenarios at SECOND_SETUP's size (the http
// adapter, axios' default in Node, runs them in full through the same interceptors).
describeAdapterContract('axios (fetch adapter)', axiosContractClient('fetch'), SECOND_SETUP);
describeDpopContract('axios (fetch adapter)', axiosContractClient('fetch'), SECOND_SETUP);
