/**
 * The demo: three clients (axios, ky, fetch) with tokvault, driven through bursts of concurrent
 * requests across several token expiries against a single-session mock server over real HTTP;
 * then the same bursts side by side through tokvault, a naive interceptor and axios-auth-refresh
 * (compare.ts). Exit code 0 only if no tokvault request failed and each expiry cost exactly one
 * token request per client; the peers' failures are shown, not counted.
 */

import { Console } from 'node:console';
import {
  CLIENT_NAMES,
  type ClientName,
  createDemoClient,
  credentialsOf,
  type DemoClient,
} from './clients.js';
import { type ComparisonRow, comparisonProblems, runComparison } from './compare.js';
import { type DemoServer, startDemoServer } from './server.js';
import { formatTable } from './table.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Lifetime of issued access tokens. */
  tokenTtlMs: number;
  /** Concurrent requests per client in one burst. */
  burstSize: number;
  /** Bursts per phase. */
  burstsPerPhase: number;
  /** The API waits a random 0..jitterMs before checking a token. */
  jitterMs: number;
  /**
   * Concurrent requests per scenario of the side-by-side comparison (tokvault, a naive
   * interceptor, axios-auth-refresh; see compare.ts); `0` skips it.
   */
  sideBySide: number;
  /** Make this many token requests fail (400 `invalid_client`) at the first expiry, to see a failing run. */
  failTokenRequests: number;
  /** Where tables and phase lines go. */
  console: Console;
  /** The live progress line (rewritten in place), or `undefined` for none. */
  live: ((text: string) => void) | undefined;
}

/** The defaults of `pnpm demo`. */
export const DEFAULT_OPTIONS: DemoOptions = {
  tokenTtlMs: 5_000,
  burstSize: 25,
  burstsPerPhase: 2,
  jitterMs: 20,
  sideBySide: 50,
  failTokenRequests: 0,
  console: new Console({ stdout: process.stdout, stderr: process.stderr }),
  live: process.stderr.isTTY ? (text) => process.stderr.write(`\r\x1b[2K${text}`) : undefined,
};

/** What one client did in one phase. */
export interface ClientPhaseResult {
  requests: number;
  failed: number;
  tokenRequests: number;
  /**
   * Refreshes the vault started on its own because the token's lifetime entered its soft
   * window (`reason: 'background'`): an expiry that was not planned by the phase (slow machine).
   */
  backgroundRefreshes: number;
  /** Refreshes the vault started in the phase, for any reason (each one makes one token request). */
  refreshes: number;
  unauthorized: number;
  latenciesMs: number[];
}

/** One phase: what happened and how many token requests it should cost each client. */
export interface PhaseResult {
  title: string;
  expectedTokenRequests: number;
  clients: Record<ClientName, ClientPhaseResult>;
}

/** The outcome of a demo run. */
export interface DemoResult {
  exitCode: 0 | 1;
  phases: PhaseResult[];
  /** Token requests the mock server counted (all clients). */
  serverTokenRequests: number;
  /** The side-by-side comparison (empty when skipped). */
  comparison: ComparisonRow[];
  problems: string[];
  durationMs: number;
}

interface Phase {
  title: string;
  expectedTokenRequests: number;
  before?: (server: DemoServer, clients: readonly DemoClient[]) => Promise<void>;
  /** Called once the first burst of the phase is in flight. */
  midBurst?: (server: DemoServer) => void;
}

async function untilAllExpired(clients: readonly DemoClient[]): Promise<void> {
  while (clients.some((client) => client.vault.peek() !== undefined)) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function phasesFor(options: DemoOptions): Phase[] {
  return [
    { title: 'first requests, no token yet', expectedTokenRequests: 1 },
    { title: 'token still valid: served from the vault', expectedTokenRequests: 0 },
    {
      title: 'server expires every token: 401s, one coalesced refresh',
      expectedTokenRequests: 1,
      before: async (server) => {
        if (options.failTokenRequests > 0) {
          server.auth.failNext(options.failTokenRequests, { status: 400, body: { error: 'invalid_client' } });
        }
        server.auth.expireAll();
      },
    },
    {
      title: `token lifetime (${options.tokenTtlMs} ms) runs out: refreshed before sending`,
      expectedTokenRequests: 1,
      before: (_, clients) => untilAllExpired(clients),
    },
    {
      title: 'server expires every token mid-burst: stale 401s, one refresh',
      expectedTokenRequests: 1,
      midBurst: (server) => server.auth.expireAll(),
    },
  ];
}

/** Nearest-rank percentile (ms) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number);
}

/**
 * Check one phase: nothing failed, and each expiry cost each client exactly one token request.
 * The phase's requests start at most its planned refreshes; a background refresh ahead of the
 * token's own expiry (slow machine) adds one, unless the planned refresh joined it while it was in
 * flight (single flight); every refresh is one token request.
 */
export function phaseProblems(phase: PhaseResult): string[] {
  const problems: string[] = [];
  for (const name of CLIENT_NAMES) {
    const { failed, tokenRequests, refreshes, backgroundRefreshes } = phase.clients[name];
    if (failed > 0) problems.push(`${name}: ${failed} failed request(s) in "${phase.title}"`);
    const planned = phase.expectedTokenRequests;
    if (tokenRequests !== refreshes || refreshes - backgroundRefreshes > planned || refreshes < planned) {
      const background = backgroundRefreshes > 0 ? ` (+ up to ${backgroundRefreshes} background)` : '';
      problems.push(
        `${name}: ${tokenRequests} token request(s) in "${phase.title}", expected ${planned}${background}`,
      );
    }
  }
  return problems;
}

/** Check a run: every phase, and the clients' token requests against the server's count. */
export function evaluate(phases: readonly PhaseResult[], serverTokenRequests: number): string[] {
  const problems = phases.flatMap(phaseProblems);
  const clientTokenRequests = phases.reduce(
    (sum, phase) => sum + CLIENT_NAMES.reduce((inner, name) => inner + phase.clients[name].tokenRequests, 0),
    0,
  );
  if (clientTokenRequests !== serverTokenRequests) {
    problems.push(
      `the server counted ${serverTokenRequests} token requests, the clients ${clientTokenRequests}`,
    );
  }
  return problems;
}

async function runPhase(
  phase: Phase,
  index: number,
  total: number,
  server: DemoServer,
  clients: readonly DemoClient[],
  options: DemoOptions,
): Promise<PhaseResult> {
  await phase.before?.(server, clients);
  const tokensBefore = clients.map((client) => client.tokenRequests());
  const unauthorizedBefore = clients.map((client) => server.unauthorized.get(client.name) ?? 0);
  const results = clients.map(() => ({
    requests: 0,
    failed: 0,
    backgroundRefreshes: 0,
    refreshes: 0,
    latenciesMs: [] as number[],
  }));
  const unsubscribe = clients.map((client, c) =>
    client.vault.on('refresh:start', ({ reason }) => {
      results[c]!.refreshes += 1;
      if (reason === 'background') results[c]!.backgroundRefreshes += 1;
    }),
  );
  const planned = options.burstsPerPhase * options.burstSize * clients.length;
  let done = 0;
  const show = () =>
    options.live?.(`phase ${index + 1}/${total} · ${phase.title} · ${done}/${planned} requests`);
  const ticker = options.live ? setInterval(show, 100) : undefined;
  show();
  try {
    for (let burst = 0; burst < options.burstsPerPhase; burst++) {
      const inFlight = clients.flatMap((client, c) =>
        Array.from({ length: options.burstSize }, async () => {
          const started = performance.now();
          const ok = await client.getOrders();
          const result = results[c]!;
          result.latenciesMs.push(performance.now() - started);
          result.requests += 1;
          if (!ok) result.failed += 1;
          done += 1;
        }),
      );
      if (burst === 0 && phase.midBurst) {
        await new Promise((resolve) => setTimeout(resolve, options.jitterMs / 2));
        phase.midBurst(server);
      }
      await Promise.all(inFlight);
    }
  } finally {
    clearInterval(ticker);
    for (const off of unsubscribe) off();
    options.live?.('');
  }
  const perClient = clients.map((client, c) => ({
    ...results[c]!,
    tokenRequests: client.tokenRequests() - tokensBefore[c]!,
    unauthorized: (server.unauthorized.get(client.name) ?? 0) - unauthorizedBefore[c]!,
  }));
  return {
    title: phase.title,
    expectedTokenRequests: phase.expectedTokenRequests,
    clients: Object.fromEntries(
      clients.map((client, c) => [client.name, perClient[c]!]),
    ) as PhaseResult['clients'],
  };
}

function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'n/a';
}

function printSummary(phases: readonly PhaseResult[], out: Console): void {
  const rows = CLIENT_NAMES.map((name) => {
    const all = phases.map((phase) => phase.clients[name]);
    const latencies = all.flatMap((r) => r.latenciesMs);
    return {
      client: `tokvault + ${name}`,
      requests: all.reduce((sum, r) => sum + r.requests, 0),
      'token-endpoint calls': all.reduce((sum, r) => sum + r.tokenRequests, 0),
      '401 retries': all.reduce((sum, r) => sum + r.unauthorized, 0),
      failures: all.reduce((sum, r) => sum + r.failed, 0),
      p50: formatMs(percentile(latencies, 50)),
      p99: formatMs(percentile(latencies, 99)),
    };
  });
  out.log('\nPer client, all phases:');
  out.log(formatTable(rows));
  out.log('\nToken requests per phase (expected per client):');
  out.log(
    formatTable(
      phases.map((phase) => ({
        phase: phase.title,
        expected: phase.expectedTokenRequests,
        ...Object.fromEntries(
          CLIENT_NAMES.map((name) => {
            const { tokenRequests, backgroundRefreshes } = phase.clients[name];
            return [
              name,
              backgroundRefreshes > 0
                ? `${tokenRequests} (${backgroundRefreshes} background)`
                : tokenRequests,
            ];
          }),
        ),
      })),
    ),
  );
}

/** Run the demo and print what happened; resolves to the result (with its exit code). */
export async function runDemo(overrides: Partial<DemoOptions> = {}): Promise<DemoResult> {
  const options = { ...DEFAULT_OPTIONS, ...overrides };
  const out = options.console;
  const started = performance.now();
  const server = await startDemoServer({
    clients: CLIENT_NAMES.map(credentialsOf),
    tokenTtlMs: options.tokenTtlMs,
    jitterMs: options.jitterMs,
  });
  const clients = CLIENT_NAMES.map((name) => createDemoClient(name, server));
  out.log(
    `Mock authorization server and API on ${server.http.url} (single-session: a new token revokes the old one).`,
  );
  out.log(
    `Clients: ${CLIENT_NAMES.map((n) => `tokvault + ${n}`).join(', ')} · ${options.burstsPerPhase} bursts of ${options.burstSize} concurrent requests per client and phase · tokens live ${options.tokenTtlMs} ms.\n`,
  );
  const phases: PhaseResult[] = [];
  try {
    const plan = phasesFor(options);
    for (const [index, phase] of plan.entries()) {
      const result = await runPhase(phase, index, plan.length, server, clients, options);
      phases.push(result);
      const ok = phaseProblems(result).length === 0;
      const counts = CLIENT_NAMES.map((name) => {
        const { tokenRequests, backgroundRefreshes } = result.clients[name];
        return `${name} ${tokenRequests}${backgroundRefreshes > 0 ? ` (incl. ${backgroundRefreshes} background refresh ahead of expiry)` : ''}`;
      }).join(', ');
      const requests = CLIENT_NAMES.reduce((sum, name) => sum + result.clients[name].requests, 0);
      const retried = CLIENT_NAMES.reduce((sum, name) => sum + result.clients[name].unauthorized, 0);
      const failed = CLIENT_NAMES.reduce((sum, name) => sum + result.clients[name].failed, 0);
      out.log(
        `${ok ? '✔' : '✘'} ${index + 1}/${plan.length} ${phase.title}\n    token requests: ${counts} (expected ${phase.expectedTokenRequests} each) · ${requests} requests, ${retried} retried after a 401, ${failed} failed`,
      );
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  }
  const serverTokenRequests = server.auth.stats.tokenRequests;
  const problems = evaluate(phases, serverTokenRequests);
  printSummary(phases, out);
  const comparison =
    options.sideBySide > 0
      ? await runComparison({ burstSize: options.sideBySide, jitterMs: options.jitterMs, console: out })
      : [];
  problems.push(...comparisonProblems(comparison));
  const result: DemoResult = {
    exitCode: problems.length === 0 ? 0 : 1,
    phases,
    serverTokenRequests,
    comparison,
    problems,
    durationMs: performance.now() - started,
  };
  const expiries = phases.filter((phase) => phase.expectedTokenRequests === 1).length - 1;
  if (problems.length === 0) {
    out.log(
      `\n✔ tokvault: no request failed; each of the ${expiries} expiries cost exactly one token request per client (${(result.durationMs / 1000).toFixed(1)} s).`,
    );
  } else {
    out.log(`✘ ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return result;
}
