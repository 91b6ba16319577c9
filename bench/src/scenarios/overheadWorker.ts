/**
 * Child process of scenario 3: one client's group (its static-header baseline, the A/A control,
 * tokvault's adapter and the peers of that client) with a bench server of its own (`child.ts`).
 */
import { specById } from '../peers/index.js';
import { startBenchServer } from '../server.js';
import { childJob, childProgress, childResult } from './child.js';
import { type OverheadJob, runOverhead } from './overhead.js';

const job = childJob<OverheadJob>();
const server = await startBenchServer({
  clientIds: [job.baseline, ...job.contenders],
  singleActiveToken: false,
});
try {
  childResult(
    await runOverhead(
      [specById(job.baseline)],
      job.contenders.map(specById),
      server,
      job.sizes,
      childProgress,
    ),
  );
} finally {
  await server.close();
}
