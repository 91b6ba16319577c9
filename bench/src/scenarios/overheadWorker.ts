/**
 * Child process of scenario 3: one client's group (its static-header baseline, the A/A control,
 * tokvault's adapter and the peers of that client) measured in a process of its own, with its
 * own bench server. Job in `TOKVAULT_BENCH_OVERHEAD` (JSON), rows and progress back over IPC.
 */
import { BASELINES, REFRESHING } from '../peers/index.js';
import { startBenchServer } from '../server.js';
import { type OverheadJob, type OverheadMessage, runOverhead } from './overhead.js';

const job = JSON.parse(process.env.TOKVAULT_BENCH_OVERHEAD ?? '{}') as OverheadJob;
const send = (message: OverheadMessage) => process.send?.(message);
const find = (id: string) => {
  const spec = [...REFRESHING, ...BASELINES].find((s) => s.id === id);
  if (!spec) throw new Error(`scenario 3: no contender "${id}"`);
  return spec;
};
const server = await startBenchServer({
  clientIds: [job.baseline, ...job.contenders],
  singleActiveToken: false,
});
try {
  const rows = await runOverhead([find(job.baseline)], job.contenders.map(find), server, job.sizes, {
    update: (label, done, total) => send({ type: 'progress', label, done, total }),
    log() {},
    end() {},
  });
  send({ type: 'rows', rows });
} finally {
  await server.close();
  process.disconnect?.();
}
