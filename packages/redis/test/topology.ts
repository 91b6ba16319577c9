/**
 * Real Redis topologies for tests, started with the installed `redis-server` on spare loopback
 * ports under a temp dir and stopped by PID: a 3-master Cluster, and a master + replica watched
 * by 3 Sentinels. The shared server on 6379 is never touched.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const handedOut = new Set<number>();

/**
 * A loopback port nothing listens on now, below Linux's ephemeral range (32768-60999): test files
 * run in parallel workers, and a port the OS picked for `listen(0)` and released can be taken by
 * another worker's outgoing connection before redis-server binds it. Never the same port twice in
 * one process.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise((resolve) => probe.close(resolve));
    handedOut.add(port);
    return port;
  }
}

/** Run `redis-cli -p port ...args` and return its output. */
export async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

/** Poll `check` until it returns true, or fail after `ms` naming `what`. */
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`topology: timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Server {
  port: number;
  child: ChildProcess;
  gone: Promise<void>;
}

/**
 * Start one `redis-server` on a free port with the config arguments `setup(port)` gives (and its
 * sentinel config file, if any); resolves once it accepts connections. A server that exits at
 * start (its port taken in between) is started again on another port.
 */
async function server(
  dir: string,
  setup: (port: number) => { extra?: string[]; config?: string },
  attempts = 3,
): Promise<Server> {
  const port = await freePort();
  const { extra = [], config } = setup(port);
  const args = [
    ...(config ? [config, '--sentinel'] : []),
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    ...['--daemonize', 'no', '--logfile', join(dir, `${port}.log`)],
    ...extra,
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  await until(`redis-server on ${port}`, async () => {
    if (exited) return true;
    return (await cli(port, 'PING')) === 'PONG';
  });
  if (exited) {
    if (attempts > 1) return server(dir, setup, attempts - 1);
    throw new Error(`topology: redis-server on ${port} exited at start (log: ${join(dir, `${port}.log`)})`);
  }
  return { port, child, gone };
}

async function stop(servers: Server[], dir: string): Promise<void> {
  for (const s of servers)
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.gone));
  rmSync(dir, { recursive: true, force: true });
}

/** A running 3-master cluster (no replicas). */
export interface TestCluster {
  readonly ports: number[];
  /** Node id of the master on `port`. */
  nodeId(port: number): Promise<string>;
  /** Port of the master that serves `key`, and the key's slot. */
  owner(key: string): Promise<{ port: number; slot: number }>;
  stop(): Promise<void>;
}

/** Start 3 cluster-enabled servers and join them with `redis-cli --cluster create`. */
export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tokvault-cluster-'));
  const servers: Server[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const busPort = await freePort();
      const node = await server(dir, (port) => ({
        extra: [
          ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
          ...['--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'],
        ],
      }));
      servers.push(node);
    }
    const ports = servers.map((s) => s.port);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes']);
    await until('cluster_state:ok on every node', async () => {
      const infos = await Promise.all(ports.map((p) => cli(p, 'CLUSTER', 'INFO')));
      return infos.every(
        (info) => info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3'),
      );
    });
    return {
      ports,
      nodeId: (port) => cli(port, 'CLUSTER', 'MYID'),
      async owner(key) {
        const slot = Number(await cli(ports[0] as number, 'CLUSTER', 'KEYSLOT', key));
        const shards = JSON.parse(await cli(ports[0] as number, '--json', 'CLUSTER', 'SLOTS')) as [
          number,
          number,
          [string, number],
        ][];
        const shard = shards.find(([from, to]) => slot >= from && slot <= to);
        if (!shard) throw new Error(`no owner for slot ${slot}`);
        return { port: shard[2][1], slot };
      },
      stop: () => stop(servers, dir),
    };
  } catch (error) {
    await stop(servers, dir);
    throw error;
  }
}

/** A running master + replica watched by 3 sentinels (master name `mymaster`). */
export interface TestSentinel {
  readonly name: 'mymaster';
  readonly sentinelPorts: number[];
  /** Port of the current master, as the sentinels see it. */
  masterPort(): Promise<number>;
  /** SIGKILL the master; resolves with the replica's port once the sentinels promoted it. */
  killMaster(): Promise<number>;
  stop(): Promise<void>;
}

/** Start a master, a replica, and 3 sentinels; resolves once the sentinels know the replica. */
export async function startSentinel(): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'tokvault-sentinel-'));
  const servers: Server[] = [];
  const name = 'mymaster';
  try {
    const master = await server(dir, () => ({ extra: ['--repl-diskless-sync-delay', '0'] }));
    servers.push(master);
    const replica = await server(dir, () => ({
      extra: [
        ...['--replicaof', '127.0.0.1', String(master.port)],
        // It becomes the master after a failover, and the old master then syncs from it.
        ...['--repl-diskless-sync-delay', '0'],
      ],
    }));
    servers.push(replica);
    await until('replication link', async () =>
      (await cli(replica.port, 'INFO', 'replication')).includes('master_link_status:up'),
    );
    const sentinelPorts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sentinel = await server(dir, (port) => {
        const config = join(dir, `sentinel-${port}.conf`);
        writeFileSync(
          config,
          [
            `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
            `sentinel down-after-milliseconds ${name} 1000`,
            `sentinel failover-timeout ${name} 10000`,
            `sentinel parallel-syncs ${name} 1`,
            // Known from the start: discovery through INFO would take seconds.
            `sentinel known-replica ${name} 127.0.0.1 ${replica.port}`,
            '',
          ].join('\n'),
        );
        return { config };
      });
      servers.push(sentinel);
      sentinelPorts.push(sentinel.port);
    }
    const masterPort = async () => {
      const reply = await cli(sentinelPorts[0] as number, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
      return Number(reply.split('\n')[1]);
    };
    // A failover needs the replica known and a majority of sentinels that know each other
    // (they meet through hello messages on the master, every 2 s).
    await until('sentinels that know the replica and each other', async () => {
      const views = await Promise.all(
        sentinelPorts.map(async (p) => [
          await cli(p, 'SENTINEL', 'REPLICAS', name),
          await cli(p, 'SENTINEL', 'SENTINELS', name),
        ]),
      );
      return views.every(
        ([replicas, others]) =>
          replicas?.includes(String(replica.port)) &&
          sentinelPorts.filter((q) => others?.includes(String(q))).length === 2,
      );
    });
    return {
      name,
      sentinelPorts,
      masterPort,
      async killMaster() {
        const before = await masterPort();
        const victim = servers.find((s) => s.port === before) as Server;
        victim.child.kill('SIGKILL');
        await victim.gone;
        let after = before;
        await until('the new master', async () => {
          after = await masterPort();
          return after !== before && (await cli(after, 'ROLE')).startsWith('master');
        });
        return after;
      },
      stop: () => stop(servers, dir),
    };
  } catch (error) {
    await stop(servers, dir);
    throw error;
  }
}
