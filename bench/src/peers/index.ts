/**
 * Every contender, in the order the tables show them.
 */
import type { ContenderSpec } from '../contender.js';
import { axiosAuthRefresh } from './axiosAuthRefresh.js';
import { axiosStatic, fetchStatic, kyStatic, undiciStatic } from './baselines.js';
import { fetchExtras } from './fetchExtras.js';
import { badgatewayFetch, openidClientFetch } from './fetchPeers.js';
import { axiosJwt, undiciOidc } from './jwtPeers.js';
import { kyRecipe } from './kyRecipe.js';
import { naive } from './naive.js';
import { RESEND_BASELINES } from './resendBaselines.js';
import { tokvaultAxios, tokvaultFetch, tokvaultKy, tokvaultUndici } from './tokvault.js';

/** Contenders that refresh tokens: tokvault's adapters first, then the peers. */
export const REFRESHING: readonly ContenderSpec[] = [
  tokvaultAxios,
  tokvaultKy,
  tokvaultFetch,
  tokvaultUndici,
  axiosAuthRefresh,
  axiosJwt,
  kyRecipe,
  fetchExtras,
  badgatewayFetch,
  openidClientFetch,
  undiciOidc,
  naive,
];

export { RESEND_BASELINES };

/** The static-header references of scenarios 3 and 6. */
export const BASELINES: readonly ContenderSpec[] = [axiosStatic, kyStatic, fetchStatic, undiciStatic];

/** The contender or baseline of scenarios 1-3 and 6 with this `id` (child processes get ids). */
export function specById(id: string): ContenderSpec {
  const spec = [...REFRESHING, ...BASELINES, ...RESEND_BASELINES].find((s) => s.id === id);
  if (!spec) throw new Error(`bench: no contender "${id}"`);
  return spec;
}
