/**
 * Parent side of scenario 8: start fleet worker processes (Node + tsx, sources via the
 * `@tokvault/source` condition) and drive them over IPC.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetCommand, FleetReply, FleetWorkerConfig } from './protocol.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** What one process saw in one round. */
export type RoundReply = Extract<FleetReply, { type: 'round' }>;

/** A running worker process. */
export interface FleetProcess {
  round(vault: 'shared' | 'solo', callers: number): Promise<RoundReply>;
  close(): Promise<void>;
}

let ids = 0;

/** Start a worker and wait until it is connected to Redis. */
export async function startFleetProcess(config: FleetWorkerConfig): Promise<FleetProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tokvault/source', WORKER], {
    cwd: BENCH_DIR,
    env: { ...process.env, TOKVAULT_BENCH_FLEET: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`fleet worker exited (${code ?? signal})`)));
  });
  exited.catch(() => {});
  const next = (match: (reply: FleetReply) => boolean) =>
    Promise.race([
      exited,
      new Promise<FleetReply>((resolve) => {
        const onMessage = (reply: FleetReply) => {
          if (!match(reply)) return;
          child.off('message', onMessage);
          resolve(reply);
        };
        child.on('message', onMessage);
      }),
    ]);
  const send = (command: FleetCommand) => child.send(command);
  await next((reply) => reply.type === 'ready');
  return {
    async round(vault, callers) {
      const id = ++ids;
      const reply = next((r) => r.type === 'round' && r.id === id);
      send({ type: 'round', id, vault, callers });
      return (await reply) as RoundReply;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      send({ type: 'close' });
      await gone;
    },
  };
}
