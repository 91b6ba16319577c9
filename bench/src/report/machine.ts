/**
 * The header of every result: machine, runtime, library versions, date.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Where and with what a bench ran. */
export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  loadAverage: readonly number[];
  versions: Readonly<Record<string, string>>;
}

/** Packages whose versions the results name. */
export const VERSIONED_PACKAGES = [
  '@tokvault/core',
  '@tokvault/axios',
  '@tokvault/ky',
  '@tokvault/fetch',
  '@tokvault/undici',
  '@tokvault/msw',
  'axios',
  'ky',
  'undici',
  'msw',
  'axios-auth-refresh',
  'axios-jwt',
  'fetch-extras',
  '@badgateway/oauth2-client',
  'openid-client',
  'undici-oidc-interceptor',
] as const;

function versionOf(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'not installed';
  }
}

/** Describe this machine and the installed versions of the compared libraries. */
export function describeMachine(date = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    date: date.toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    versions: Object.fromEntries(VERSIONED_PACKAGES.map((name) => [name, versionOf(name)])),
  };
}
