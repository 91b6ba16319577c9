/**
 * `tsx --conditions=@tokvault/source src/profileOverhead.ts [client…] [--n 5000] [--prof <dir>]`:
 * steady-state CPU per request of each tokvault adapter and of the static-header client of the
 * same kind (valid token, lean endpoint, 8 at a time), with a CPU profile of each run in `--prof`.
 * `--paired <rounds>`: scenario 3 alone instead (`rounds` interleaved blocks of 250 requests per
 * contender, A/A control included, one process per client as in `pnpm bench`): CPU per request,
 * CPU ratio and req/s ratio, for before/after comparisons.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import type { Contender } from './contender.js';
import { BASELINES, REFRESHING } from './peers/index.js';
import { silentProgress } from './report/progress.js';
import { runOverheadIsolated } from './scenarios/overhead.js';
import { startBenchServer } from './server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '5000' }, prof: { type: 'string' }, paired: { type: 'string' } },
});
const clients = positionals.length > 0 ? positionals : ['axios', 'ky', 'fetch', 'undici'];
const specs = [...REFRESHING, ...BASELINES].filter(
  (spec) => spec.kind !== 'peer' && clients.includes(spec.client) && spec.id !== 'naive',
);
const server = await startBenchServer({ clientIds: specs.map((spec) => spec.id), singleActiveToken: false });
const session = new Session();
session.connect();
const total = Number(values.n);

async function run(contender: Contender): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await contender.get('/fast');
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: 8 }, worker));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / total;
}

try {
  if (values.paired) {
    const sizes = { requestsPerRound: 250, rounds: Number(values.paired), concurrency: 8 };
    const baselines = specs.filter((spec) => spec.kind === 'baseline');
    const contenders = specs.filter((spec) => spec.kind === 'tokvault');
    for (const row of await runOverheadIsolated(baselines, contenders, sizes, silentProgress)) {
      const cpu = `${row.cpuUsPerRequest.toFixed(0)} µs vs ${row.baselineCpuUsPerRequest.toFixed(0)} µs`;
      console.log(
        `${row.label.padEnd(24)} CPU ${cpu}, CPU ratio ${row.cpuRatio.toFixed(3)}x, req/s ratio ${row.ratio.toFixed(3)}x`,
      );
    }
  }
  for (const spec of values.paired ? [] : specs) {
    const contender = await spec.create(server.leanEnv(spec.id));
    try {
      await run(contender); // warm-up
      if (values.prof) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      }
      const us = await run(contender);
      if (values.prof) {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(`${values.prof}/${spec.id}.cpuprofile`, JSON.stringify(profile));
      }
      console.log(`${spec.label.padEnd(24)} ${us.toFixed(0).padStart(5)} µs CPU per request`);
    } finally {
      await contender.close();
    }
  }
} finally {
  await server.close();
}
