/**
 * Scenarios 1 and 2, run against a single-session API (`singleActiveToken`: every new token
 * invalidates the client's earlier ones), one contender at a time, each after a warm-up
 * request that gave it a valid token:
 * (1) burst at expiry: the server expires every token, then `burst` requests start at once;
 * (2) stale-401 storm: `storm` requests start at once against `/api/slow`; a quarter of the way
 *     through their random server-side wait, another session of the same client obtains a new
 *     token, so every in-flight request carries a superseded token and the 401s arrive spread
 *     over time (many after the contender's own refresh has finished).
 * Token calls and 401s are the server's counters; latency is measured by the caller.
 */
import type { ClientKind, ContenderKind, ContenderSpec } from '../contender.js';
import type { Progress } from '../report/progress.js';
import type { BenchServer } from '../server.js';
import { type LatencySummary, nowMs, summarize } from '../stats.js';

/** One contender's outcome in scenario 1 or 2. */
export interface RequestRow {
  id: string;
  label: string;
  client: ClientKind;
  kind: ContenderKind;
  requests: number;
  failed: number;
  /** Requests to the token endpoint during the scenario (warm-up excluded). */
  tokenCalls: number;
  /** API requests the server refused with 401 (first attempts and retries). */
  rejected: number;
  latency: LatencySummary;
}

/** Which of the two request scenarios. */
export type RequestScenario = 'burst' | 'storm';

/** Sizes of a request scenario. */
export interface RequestScenarioSizes {
  requests: number;
  /** Storm only: maximum server-side wait before the token check. */
  jitterMs: number;
}

async function timed(get: () => Promise<boolean>): Promise<{ ok: boolean; ms: number }> {
  const started = nowMs();
  const ok = await get();
  return { ok, ms: nowMs() - started };
}

/** Run scenario 1 or 2 for one contender on `server`. */
export async function runRequestScenario(
  scenario: RequestScenario,
  spec: ContenderSpec,
  server: BenchServer,
  sizes: RequestScenarioSizes,
  progress: Progress,
): Promise<RequestRow> {
  const title = scenario === 'burst' ? 'burst at expiry' : 'stale-401 storm';
  progress.update(`${title} · ${spec.label} · warm-up`);
  const contender = await spec.create(server.env(spec.id));
  try {
    if (!(await contender.get('/fast'))) throw new Error(`${spec.label}: warm-up request failed`);
    const { stats } = server.auth;
    const tokenBefore = stats.tokenRequests;
    const rejectedBefore = stats.rejectedApiRequests;
    progress.update(`${title} · ${spec.label} · ${sizes.requests} concurrent requests`);
    let outcomes: { ok: boolean; ms: number }[];
    if (scenario === 'burst') {
      server.auth.expireAll();
      outcomes = await Promise.all(
        Array.from({ length: sizes.requests }, () => timed(() => contender.get('/fast'))),
      );
    } else {
      server.jitterMs = sizes.jitterMs;
      const all = Promise.all(
        Array.from({ length: sizes.requests }, () => timed(() => contender.get('/slow'))),
      );
      await new Promise((resolve) => setTimeout(resolve, sizes.jitterMs / 4));
      await server.auth.signAccessToken(spec.id);
      outcomes = await all;
      server.jitterMs = 0;
    }
    return {
      id: spec.id,
      label: spec.label,
      client: spec.client,
      kind: spec.kind,
      requests: outcomes.length,
      failed: outcomes.filter((o) => !o.ok).length,
      tokenCalls: stats.tokenRequests - tokenBefore,
      rejected: stats.rejectedApiRequests - rejectedBefore,
      latency: summarize(outcomes.map((o) => o.ms)),
    };
  } finally {
    await contender.close();
  }
}
