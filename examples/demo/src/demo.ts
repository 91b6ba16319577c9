/**
 * `pnpm demo`: see runDemo.ts and the README.
 */
import { runDemo } from './runDemo.js';

runDemo().then(
  (result) => {
    process.exitCode = result.exitCode;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
