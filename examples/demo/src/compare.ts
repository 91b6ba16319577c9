/**
 * Side by side: the same bursts through three axios clients against the same single-session API
 * (a new token revokes the client's older ones): tokvault, the naive interceptor many apps start
 * with (below), and axios-auth-refresh 5, the most used axios plugin, configured as its README
 * shows. tokvault and axios-auth-refresh are the benchmark's contenders
 * (`bench/src/peers/`), reused as is, so the demo shows what `pnpm bench` measures.
 *
 * The peers are expected to fail: their failures are shown, never counted against the demo's exit
 * code; a tokvault failure is.
 */
import type { Console } from 'node:console';
import axios from 'axios';
import { type ContenderEnv, type ContenderSpec, settle } from '../../../bench/src/contender.js';
import { axiosAuthRefresh } from '../../../bench/src/peers/axiosAuthRefresh.js';
import { tokvaultAxios } from '../../../bench/src/peers/tokvault.js';
import { requestToken } from '../../../bench/src/tokenEndpoint.js';
import { startDemoServer } from './server.js';
import { formatTable } from './table.js';

/**
 * The interceptor many apps start with: on a 401, fetch a new token and retry once. No
 * coalescing, no idea which token a 401 was for.
 */
export const naiveInterceptor: ContenderSpec = {
  id: 'naive-axios',
  label: 'naive axios interceptor',
  client: 'axios',
  kind: 'peer',
  setup:
    'a request interceptor sets the cached token; on a 401 the response interceptor fetches a new one and retries once.',
  async create(env) {
    let token = (await requestToken(env)).accessToken;
    const api = axios.create({ baseURL: env.apiUrl });
    api.interceptors.request.use((config) => {
      config.headers.Authorization = `Bearer ${token}`;
      return config;
    });
    api.interceptors.response.use(undefined, async (error) => {
      const config = error.config;
      if (error.response?.status !== 401 || config.retried) throw error;
      config.retried = true;
      token = (await requestToken(env)).accessToken;
      return api(config);
    });
    return { get: (path) => settle(api.get(path)), async close() {} };
  },
};

/** The contenders, tokvault first. */
export const CONTENDERS: readonly ContenderSpec[] = [tokvaultAxios, naiveInterceptor, axiosAuthRefresh];

/** The scenarios each contender goes through, in order. */
export const SCENARIOS = [
  { id: 'burst', title: 'burst after the server expired the token' },
  { id: 'storm', title: 'token expired while the burst is in flight' },
] as const;

/** What one contender did in one scenario. */
export interface ComparisonRow {
  contender: string;
  kind: ContenderSpec['kind'];
  scenario: (typeof SCENARIOS)[number]['id'];
  requests: number;
  tokenRequests: number;
  unauthorized: number;
  failed: number;
}

/** Options of {@link runComparison}. */
export interface ComparisonOptions {
  burstSize: number;
  jitterMs: number;
  console: Console;
}

/**
 * tokvault's rows must show no failure and at most one token request per scenario (one expiry);
 * the peers' rows are shown, not judged.
 */
export function comparisonProblems(rows: readonly ComparisonRow[]): string[] {
  return rows
    .filter((row) => row.kind === 'tokvault')
    .flatMap((row) => [
      ...(row.failed > 0
        ? [`${row.contender}: ${row.failed} failed request(s) side by side (${row.scenario})`]
        : []),
      ...(row.tokenRequests > 1
        ? [`${row.contender}: ${row.tokenRequests} token requests side by side (${row.scenario}), expected 1`]
        : []),
    ]);
}

/** Run every contender through {@link SCENARIOS} against a fresh server, one at a time, and print the table. */
export async function runComparison(options: ComparisonOptions): Promise<ComparisonRow[]> {
  const credentials = CONTENDERS.map(({ id }) => ({
    name: id,
    clientId: `demo-${id}`,
    clientSecret: `demo-${id}-secret`,
  }));
  // Long-lived tokens: only the server's expireAll() ends them.
  const server = await startDemoServer({
    clients: credentials,
    tokenTtlMs: 600_000,
    jitterMs: options.jitterMs,
  });
  const rows: ComparisonRow[] = [];
  try {
    for (const [index, spec] of CONTENDERS.entries()) {
      const { name, clientId, clientSecret } = credentials[index]!;
      const env: ContenderEnv = {
        apiUrl: server.apiUrl(name),
        tokenUrl: server.http.tokenUrl,
        clientId,
        clientSecret,
      };
      const contender = await spec.create(env);
      try {
        await contender.get('/orders'); // signed in: a valid token, as after a login
        for (const scenario of SCENARIOS) {
          const tokensBefore = server.auth.stats.tokenRequests;
          const unauthorizedBefore = server.unauthorized.get(name) ?? 0;
          if (scenario.id === 'burst') server.auth.expireAll();
          const burst = Array.from({ length: options.burstSize }, () => contender.get('/orders'));
          if (scenario.id === 'storm') {
            await new Promise((resolve) => setTimeout(resolve, options.jitterMs / 2));
            server.auth.expireAll();
          }
          const outcomes = await Promise.all(burst);
          rows.push({
            contender: spec.label,
            kind: spec.kind,
            scenario: scenario.id,
            requests: outcomes.length,
            tokenRequests: server.auth.stats.tokenRequests - tokensBefore,
            unauthorized: (server.unauthorized.get(name) ?? 0) - unauthorizedBefore,
            failed: outcomes.filter((ok) => !ok).length,
          });
        }
      } finally {
        await contender.close();
      }
    }
  } finally {
    await server.close();
  }
  printComparison(rows, options);
  return rows;
}

function printComparison(
  rows: readonly ComparisonRow[],
  { burstSize, console: out }: ComparisonOptions,
): void {
  out.log(
    `\nSide by side: ${burstSize} concurrent requests per scenario, three axios clients, the same single-session API:`,
  );
  out.log(
    formatTable(
      rows.map((row) => ({
        client: row.contender,
        scenario: SCENARIOS.find((s) => s.id === row.scenario)?.title ?? row.scenario,
        requests: row.requests,
        'token-endpoint calls': row.tokenRequests,
        '401s': row.unauthorized,
        failures: row.failed,
      })),
    ),
  );
  const failures = (label: string) =>
    rows.filter((row) => row.contender === label).reduce((sum, row) => sum + row.failed, 0);
  out.log(
    `  Failed requests: ${CONTENDERS.map((spec) => `${spec.label} ${failures(spec.label)}`).join(', ')}. ` +
      'Only tokvault failures fail the demo; the others are expected (bench/RESULTS.md measures them at scale).',
  );
}
