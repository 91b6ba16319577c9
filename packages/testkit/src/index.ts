export type {
  AdapterContractClient,
  AdapterContractFactory,
  AdapterContractOptions,
  AdapterContractSetup,
  ContractAdapterOptions,
  ContractBody,
  ContractBodyKind,
  ContractFailure,
  ContractRequest,
  ContractResponse,
} from './adapterContract.js';
export {
  classifyVaultError,
  contractBody,
  describeAdapterContract,
  readContractResponse,
  toFetchBody,
} from './adapterContract.js';
export type {
  AdapterEnvironment,
  ApiHit,
  EchoBody,
  Gate,
  LoopbackHit,
  LoopbackPair,
} from './adapterEnvironment.js';
export {
  API_BASE_URL,
  API_ORIGIN,
  CONTRACT_CLIENT,
  CONTRACT_TTL_MS,
  createAdapterEnvironment,
  createLoopbackPair,
  OTHER_ORIGIN,
  useAdapterEnvironment,
} from './adapterEnvironment.js';
export { CHROMIUM_PATH, launchChromium } from './chromium.js';
export type { ChunkedRefusalApi } from './chunkedRefusal.js';
export { startChunkedRefusalApi } from './chunkedRefusal.js';
export type { DpopContractOptions } from './dpopContract.js';
export { describeDpopContract } from './dpopContract.js';
export { claimsOf, jwtPart, sha256Base64url } from './jwt.js';
export type {
  OidcLoginResult,
  OidcProviderOptions,
  OidcResource,
  OidcTokens,
  RunningOidcProvider,
} from './oidcProvider.js';
export { startOidcProvider } from './oidcProvider.js';
export { heavy, QUICK_RUN, SECOND_SETUP } from './quick.js';
export type { EchoingTokenServer } from './secretLeaks.js';
export {
  checkAdapterKeepsSecrets,
  collectFailures,
  findLeak,
  renderings,
  secretArbitrary,
  secretEncodings,
  startEchoingTokenServer,
} from './secretLeaks.js';
export type { StoreContractFactory, StoreContractSubject } from './storeContract.js';
export { describeTokenStoreContract } from './storeContract.js';
