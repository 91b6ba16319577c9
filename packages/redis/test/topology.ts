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

/** A port nothing listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
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

/** Start one `redis-server` with `extra` config arguments; resolves once it accepts connections. */
async function server(dir: string, port: number, extra: string[], config?: string): Promise<Server> {
  const args = [
    ...(config ? [config, '--sentinel'] : []),
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    ...['--daemonize', 'no', '--logfile', join(dir, `${port}.log`)],
    ...extra,
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await until(`redis-server on ${port}`, async () => (await cli(port, 'PING')) === 'PONG', 10_000);
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
      const [port, busPort] = [await freePort(), await freePort()];
      const extra = ['--cluster-enabled', 'yes', '--cluster-port', String(busPort)];
      extra.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000');
      servers.push(await server(dir, port, extra));
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
    const master = await server(dir, await freePort(), ['--repl-diskless-sync-delay', '0']);
    servers.push(master);
    const replica = await server(dir, await freePort(), [
      ...['--replicaof', '127.0.0.1', String(master.port)],
      // It becomes the master after a failover, and the old master then syncs from it.
      ...['--repl-diskless-sync-delay', '0'],
    ]);
    servers.push(replica);
    await until('replication link', async () =>
      (await cli(replica.port, 'INFO', 'replication')).includes('master_link_status:up'),
    );
    const sentinelPorts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
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
      servers.push(await server(dir, port, [], config));
      sentinelPorts.push(port);
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
