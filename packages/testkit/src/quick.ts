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
