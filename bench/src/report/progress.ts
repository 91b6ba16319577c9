/**
 * The progress line: rewritten in place on a terminal, one line per step otherwise (CI logs).
 */

/** Reports what the bench is doing. */
export interface Progress {
  /** Current step, e.g. `burst · axios-auth-refresh` with an optional counter. */
  update(label: string, done?: number, total?: number): void;
  /** A permanent line (clears the progress line first). */
  log(line: string): void;
  /** Clear the progress line. */
  end(): void;
}

/** Where progress goes: a writable with an optional `isTTY` (process.stderr), or nothing. */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
}

/** A progress reporter that prints nothing (tests). */
export const silentProgress: Progress = { update() {}, log() {}, end() {} };

/** Create a progress reporter writing to `sink` (default `process.stderr`). */
export function createProgress(sink: ProgressSink = process.stderr): Progress {
  const tty = sink.isTTY === true;
  const started = performance.now();
  let lastLabel = '';
  let shown = false;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const clear = () => {
    if (tty && shown) sink.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(label, done, total) {
      const counter = done !== undefined && total !== undefined ? ` ${done}/${total}` : '';
      if (tty) {
        sink.write(`\r\x1b[2K[${elapsed()}] ${label}${counter}`);
        shown = true;
      } else if (label !== lastLabel) {
        sink.write(`[${elapsed()}] ${label}\n`);
      }
      lastLabel = label;
    },
    log(line) {
      clear();
      sink.write(`${line}\n`);
    },
    end() {
      clear();
    },
  };
}
