/**
 * The quick run: `TOKVAULT_QUICK=1` in the environment. The heavy scenarios of the contracts
 * (bursts, storms) keep every assertion with a tenth of the requests; the full run (the default,
 * `pnpm test` and CI) keeps them whole.
 *
 * @example
 * ```sh
 * TOKVAULT_QUICK=1 pnpm exec vitest run --config vitest.workspace.ts --project fetch
 * ```
 */
export const QUICK_RUN: boolean = globalThis.process?.env.TOKVAULT_QUICK === '1';

/**
 * A heavy scenario's size: `full`, or a tenth of it in the quick run ({@link QUICK_RUN}).
 *
 * @example
 * ```ts
 * const { burst = heavy(500) } = options;
 * ```
 */
export function heavy(full: number): number {
  return QUICK_RUN ? Math.max(1, Math.round(full / 10)) : full;
}

/**
 * Sizes of the heavy scenarios for a client family's other setups (a previous major, a second
 * transport). Each family runs the bursts and storms in full once, on the setup its users meet
 * first; the others run every case with the same assertions at a tenth of the requests (the
 * quick run's sizes), since they share the adapter code the full run exercises.
 *
 * @example
 * ```ts
 * describeAdapterContract('ky 1.14', factory, SECOND_SETUP);
 * describeDpopContract('ky 1.14', factory, SECOND_SETUP);
 * ```
 */
export const SECOND_SETUP: { readonly burst: number; readonly storm: number } = { burst: 50, storm: 30 };
