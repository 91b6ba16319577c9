/**
 * A private redis-server child process on a free port, for tests that stop Redis. The shared
 * server on 6379 is never touched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './topology.js';

/** A running private server. */
export interface PrivateRedis {
  readonly port: number;
  /** SIGSTOP / SIGCONT: Redis stops answering but keeps its connections (a "slow" Redis). */
  pause(): void;
  resume(): void;
  /** SIGKILL, and wait until the process is gone. Idempotent. */
  kill(): Promise<void>;
}

/** Start `redis-server` (no persistence) and wait until it accepts connections. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', [...args, '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    void gone.then(() => reject(new Error(`redis-server on port ${port} exited: ${out.slice(-500)}`)));
  });
  child.stdout?.resume();
  return {
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
  };
}
