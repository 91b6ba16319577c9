import { describeAdapterContract, describeDpopContract, SECOND_SETUP } from '@tokvault/testkit';
import { axiosContractClient } from './contract.js';

describeAdapterContract('axios (http adapter)', axiosContractClient('http'));
// DPoP's bursts run in full once, in the fetch adapter's contract (the proof and nonce logic is
// core's, shared by every adapter); here every DPoP case runs at SECOND_SETUP's size.
describeDpopContract('axios (http adapter)', axiosContractClient('http'), SECOND_SETUP);
