/**
 * Scenarios 3 and 6 measure each client in a child process of its own: in one process for all
 * clients, the clients measured first leave the shared HTTP stack (undici's fetch under ky and
 * fetch, node:http under axios) tuned for their call shapes, and the later ones pay for it
 * (scenario 3: tokvault + fetch 0.91x in the four-client process, 0.96x alone, its A/A control
 * 0.95-0.97x; scenario 6: undici's 500-request cell with a 50 ms token delay 1.22-1.28x in three
 * full runs, 1.06-1.16x alone). Parent side: {@link runChild}; worker side: {@link childJob},
 * {@link childProgress}, {@link childResult}.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Progress } from '../report/progress.js';

/** Worker -> parent. */
type ChildMessage =
  | { type: 'progress'; label: string; done?: number | undefined; total?: number | undefined }
  | { type: 'result'; result: unknown };

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The child resolves tokvault as this process does: the sources under Vitest or with the condition, else `dist/`. */
const SOURCE =
  process.env.VITEST !== undefined || process.execArgv.some((arg) => arg.includes('@tokvault/source'));

/** Run `worker` (a file next to this one) on `job` in a child process; its progress goes to `progress`. */
export async function runChild<T>(worker: string, job: unknown, progress: Progress): Promise<T> {
  const flags = ['--expose-gc', '--import', 'tsx', ...(SOURCE ? ['--conditions=@tokvault/source'] : [])];
  const child = spawn(process.execPath, [...flags, fileURLToPath(new URL(worker, import.meta.url))], {
    cwd: BENCH_DIR,
    env: { ...process.env, TOKVAULT_BENCH_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let result: { value: T } | undefined;
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'progress') progress.update(message.label, message.done, message.total);
    else result = { value: message.result as T };
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('exit', resolve);
    child.once('error', reject);
  });
  if (!result) throw new Error(`bench: ${worker} exited (${code}) without a result`);
  return result.value;
}

/** Worker side: the job the parent gave. */
export const childJob = <T>(): T => JSON.parse(process.env.TOKVAULT_BENCH_JOB ?? '{}') as T;

/** Worker side: progress reported to the parent. */
export const childProgress: Progress = {
  update: (label, done, total) => process.send?.({ type: 'progress', label, done, total }),
  log() {},
  end() {},
};

/** Worker side: send the result and let the process end. */
export function childResult(result: unknown): void {
  process.send?.({ type: 'result', result });
  process.disconnect?.();
}
