/**
 * Parent side of the fleet tests: spawn worker processes (Node + tsx, sources via the
 * `@tokvault/source` condition) and drive them over IPC.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetCommand, FleetReply, WorkerConfig } from './fixtures/protocol.js';

const WORKER = fileURLToPath(new URL('./fixtures/fleetWorker.ts', import.meta.url));

/** What one round of N concurrent callers saw in one process. */
export interface RoundResult {
  tokens: string[];
  errors: string[];
  /** Lock acquisitions of the process's store for this vault during the round. */
  locks: number;
  /** Each caller's wait, ms. */
  waits: number[];
}

/** A running worker process. */
export interface FleetWorker {
  readonly child: ChildProcess;
  /** Run `callers` concurrent calls on one of the worker's vaults. */
  round(vault: string, callers: number, mode?: 'get' | 'refresh'): Promise<RoundResult>;
  close(): Promise<void>;
}

let roundIds = 0;

/** Start a worker and wait until it is connected and ready. */
export async function startWorker(config: WorkerConfig): Promise<FleetWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tokvault/source', WORKER], {
    env: { ...process.env, TOKVAULT_FLEET_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal})`)));
  });
  exited.catch(() => {});
  const send = (command: FleetCommand) => child.send(command);
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
  await next((reply) => reply.type === 'ready');
  return {
    child,
    async round(vault, callers, mode = 'get') {
      const id = ++roundIds;
      const reply = next((r) => r.type === 'round' && r.id === id);
      send({ type: 'round', id, vault, callers, mode });
      const { tokens, errors, locks, waits } = (await reply) as RoundResult;
      return { tokens, errors, locks, waits };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      send({ type: 'close' });
      await gone;
    },
  };
}
