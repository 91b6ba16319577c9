/**
 * `tsx --conditions=@tokvault/source src/profileBurst.ts [client…] [--n 1000] [--delay 0]`:
 * scenario 6 alone for the given tokvault adapters (default: all), printed as a table; run it
 * with `--phases` for server-side timings of each burst (when the 401s, the token call and the
 * 200s happened, sockets used), `--prof <dir>` for a CPU profile of each adapter's burst alone.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { BASELINES, REFRESHING, RESEND_BASELINES } from './peers/index.js';
import { silentProgress } from './report/progress.js';
import { textTable } from './report/table.js';
import { burstLatencyTable } from './report/tables.js';
import type { BenchReport } from './run.js';
import { runBurstLatency } from './scenarios/burstLatency.js';
import { startBenchServer } from './server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string', default: '1000' },
    delay: { type: 'string', default: '0' },
    phases: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    /** Write a CPU profile of each contender's burst (only the burst) into this folder. */
    prof: { type: 'string' },
  },
});

/** Server-side phases of every burst (node:http diagnostics channels): when 401s, the token call and 200s happened. */
interface Event {
  at: number;
  kind: 'in' | 'out';
  url: string;
  status: number;
  socket: Socket;
}
const events: Event[] = [];
if (values.phases) {
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    events.push({ at: performance.now(), kind: 'in', url: request.url ?? '', status: 0, socket });
  });
  subscribe('http.server.response.finish', (message) => {
    const { request, response, socket } = message as {
      request: IncomingMessage;
      response: ServerResponse;
      socket: Socket;
    };
    events.push({
      at: performance.now(),
      kind: 'out',
      url: request.url ?? '',
      status: response.statusCode,
      socket,
    });
  });
}
const phasesOf = (from: number, to: number): string => {
  const window = events.filter((e) => e.at >= from && e.at <= to);
  const first = (test: (e: Event) => boolean) => window.find(test)?.at ?? Number.NaN;
  const last = (test: (e: Event) => boolean) => window.findLast(test)?.at ?? Number.NaN;
  const api = (e: Event) => e.url.startsWith('/api');
  const token = (e: Event) => e.url.startsWith('/oauth');
  const f = (at: number) => (at - from).toFixed(0).padStart(5);
  const sockets = new Set(window.filter((e) => api(e) && e.kind === 'in').map((e) => e.socket)).size;
  const peak = (() => {
    let open = 0;
    let max = 0;
    for (const e of window.filter(api)) {
      open += e.kind === 'in' ? 1 : -1;
      max = Math.max(max, open);
    }
    return max;
  })();
  return [
    `first API request in ${f(first((e) => api(e) && e.kind === 'in'))}`,
    `first 401 out ${f(first((e) => api(e) && e.status === 401))}`,
    `token call in ${f(first((e) => token(e) && e.kind === 'in'))} out ${f(first((e) => token(e) && e.kind === 'out'))}`,
    `last 401 out ${f(last((e) => api(e) && e.status === 401))}`,
    `first 200 out ${f(first((e) => api(e) && e.status === 200))}`,
    `last 200 out ${f(last((e) => api(e) && e.status === 200))}`,
    `client done ${f(to)}`,
    `sockets ${sockets}, peak in server ${peak}`,
  ].join(' | ');
};
const clients = positionals.length > 0 ? positionals : ['axios', 'ky', 'fetch'];
const contenders = REFRESHING.filter((spec) => spec.kind === 'tokvault' && clients.includes(spec.client));
const server = await startBenchServer({
  clientIds: [...contenders, ...BASELINES, ...RESEND_BASELINES].map((spec) => spec.id),
  singleActiveToken: true,
});
try {
  const sizes = {
    concurrencies: values.n.split(',').map(Number),
    tokenDelaysMs: values.delay.split(',').map(Number),
    rounds: Number(values.rounds),
  };
  const session = new Session();
  session.connect();
  const dir = values.prof;
  const hooks = dir
    ? {
        async before() {
          await session.post('Profiler.enable');
          await session.post('Profiler.setSamplingInterval', { interval: 100 });
          await session.post('Profiler.start');
        },
        async after(spec: { id: string }) {
          const { profile } = await session.post('Profiler.stop');
          await writeFile(`${dir}/${spec.id}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
        },
      }
    : {};
  const burstLatency = await runBurstLatency(
    contenders,
    BASELINES,
    RESEND_BASELINES,
    server,
    sizes,
    silentProgress,
    hooks,
  );
  console.log(textTable(burstLatencyTable({ burstLatency } as BenchReport)));
  if (values.phases) {
    for (const row of burstLatency) {
      const end = row.contender.startedAt + row.contender.wallMs;
      console.log(`${row.label} ${row.concurrency} delay ${row.tokenDelayMs}:`);
      console.log(
        `  static : ${phasesOf(row.baseline.startedAt, row.baseline.startedAt + row.baseline.wallMs)}`,
      );
      console.log(`  resend : ${phasesOf(row.resend.startedAt, row.resend.startedAt + row.resend.wallMs)}`);
      console.log(`  revoked: ${phasesOf(end - row.contender.wallMs, end)}`);
    }
  }
} finally {
  await server.close();
}
