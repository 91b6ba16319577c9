/**
 * Child process of scenario 6: one tokvault adapter, its static-header baseline and its resend
 * baseline, every cell, with a single-session bench server of its own (`child.ts`).
 */
import { BASELINES, RESEND_BASELINES, specById } from '../peers/index.js';
import { startBenchServer } from '../server.js';
import { type BurstLatencyJob, runBurstLatency } from './burstLatency.js';
import { childJob, childProgress, childResult } from './child.js';

const job = childJob<BurstLatencyJob>();
const spec = specById(job.contender);
const baselines = BASELINES.filter((s) => s.client === spec.client);
const resends = RESEND_BASELINES.filter((s) => s.client === spec.client);
const server = await startBenchServer({
  clientIds: [spec, ...baselines, ...resends].map((s) => s.id),
  singleActiveToken: true,
});
try {
  childResult(await runBurstLatency([spec], baselines, resends, server, job.sizes, childProgress));
} finally {
  await server.close();
}
