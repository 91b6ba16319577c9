/**
 * Every contender, in the order the tables show them.
 */
import type { ContenderSpec } from '../contender.js';
import { axiosAuthRefresh } from './axiosAuthRefresh.js';
import { axiosStatic, fetchStatic, kyStatic } from './baselines.js';
import { fetchExtras } from './fetchExtras.js';
import { kyRecipe } from './kyRecipe.js';
import { naive } from './naive.js';
import { tokvaultAxios, tokvaultFetch, tokvaultKy } from './tokvault.js';

/** Contenders that refresh tokens: tokvault's adapters first, then the peers. */
export const REFRESHING: readonly ContenderSpec[] = [
  tokvaultAxios,
  tokvaultKy,
  tokvaultFetch,
  axiosAuthRefresh,
  kyRecipe,
  fetchExtras,
  naive,
];

/** The static-header references of scenario 3. */
export const BASELINES: readonly ContenderSpec[] = [axiosStatic, kyStatic, fetchStatic];
