/**
 * Scenario 6, the cost of DPoP (RFC 9449): requests per second of each tokvault adapter with a
 * DPoP vault (one ES256 proof signed per request) ÷ the same adapter with a Bearer vault, on a
 * token that stays valid, to a lean endpoint that looks the token up and checks that a proof is
 * present (verifying it would add server work to the DPoP side). Interleaved blocks with
 * balanced positions, ratios of the totals, as in scenario 3.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachTokenVault } from '@tokvault/axios';
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { createDpop } from '@tokvault/core/dpop';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createAuthFetch } from '@tokvault/fetch';
import { tokenVaultHooks } from '@tokvault/ky';
import { createMockAuthServer, type MockAuthServer } from '@tokvault/msw';
import axios from 'axios';
import ky from 'ky';
import { type ClientKind, type Contender, KY_TIMEOUT_MS, settle, settleFetch } from '../contender.js';
import type { Progress } from '../report/progress.js';
import { interleave, requestsPerSec, type Totals } from './interleaved.js';
import type { OverheadSizes } from './overhead.js';

/** One client's DPoP throughput relative to Bearer. */
export interface DpopRow {
  client: ClientKind;
  bearerRequestsPerSec: number;
  dpopRequestsPerSec: number;
  /** DPoP req/s ÷ Bearer req/s (totals of interleaved blocks). */
  ratio: number;
  /** Extra CPU time per request with DPoP (this process, server included), microseconds. */
  extraCpuUsPerRequest: number;
  failed: number;
}

const SECRET = 'bench-secret';
const CLIENTS: readonly ClientKind[] = ['axios', 'ky', 'fetch'];

function answer(auth: MockAuthServer, req: IncomingMessage, res: ServerResponse): void {
  const match = /^(Bearer|DPoP) +(\S+)$/i.exec(req.headers.authorization ?? '');
  const info = match ? auth.introspect(match[2]!) : undefined;
  const proofPresent = match?.[1]?.toLowerCase() !== 'dpop' || typeof req.headers.dpop === 'string';
  if (req.url === '/api/fast' && info?.status === 'active' && proofPresent) {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else res.writeHead(401, { 'www-authenticate': 'DPoP error="invalid_token"' }).end();
}

function contender(client: ClientKind, vault: TokenVault, apiUrl: string): Contender {
  if (client === 'axios') {
    const instance = axios.create({ baseURL: apiUrl });
    const detach = attachTokenVault(instance, vault);
    return { get: (path) => settle(instance.get(path)), close: async () => detach() };
  }
  if (client === 'ky') {
    const api = ky.create({ prefix: apiUrl, timeout: KY_TIMEOUT_MS, hooks: tokenVaultHooks(vault) });
    return { get: (path) => settle(api.get(path.slice(1)).arrayBuffer()), close: async () => {} };
  }
  const authFetch = createAuthFetch(vault, { origins: apiUrl });
  return { get: (path) => settleFetch(authFetch(`${apiUrl}${path}`)), close: async () => {} };
}

/** Run scenario 6 for axios, ky and fetch. */
export async function runDpop(sizes: OverheadSizes, progress: Progress): Promise<DpopRow[]> {
  const ids = CLIENTS.flatMap((client) => [`bearer-${client}`, `dpop-${client}`]);
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: ids.map((clientId) => ({ clientId, clientSecret: SECRET })),
    dpop: true,
  });
  const tokens = await auth.listen();
  const lean = createServer((req, res) => answer(auth, req, res));
  await new Promise<void>((resolve) => lean.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(lean.address() as AddressInfo).port}/api`;
  const rows: DpopRow[] = [];
  try {
    for (const client of CLIENTS) {
      const vaultFor = (clientId: string, dpop: boolean) =>
        createTokenVault({
          name: clientId,
          dpop: dpop ? createDpop() : undefined,
          fetchToken: clientCredentials({ tokenUrl: tokens.tokenUrl, clientId, clientSecret: SECRET }),
        });
      const vaults = [vaultFor(`bearer-${client}`, false), vaultFor(`dpop-${client}`, true)];
      const [bearer, dpop] = vaults.map((vault) => contender(client, vault, apiUrl)) as [
        Contender,
        Contender,
      ];
      try {
        const [b, d] = (await interleave([bearer, dpop], sizes, (round) =>
          progress.update(`DPoP vs Bearer · ${client}`, round + 1, sizes.rounds),
        )) as [Totals, Totals];
        rows.push({
          client,
          bearerRequestsPerSec: requestsPerSec(b),
          dpopRequestsPerSec: requestsPerSec(d),
          ratio: requestsPerSec(d) / requestsPerSec(b),
          extraCpuUsPerRequest: d.cpuUs / d.requests - b.cpuUs / b.requests,
          failed: b.failed + d.failed,
        });
      } finally {
        await Promise.all([bearer.close(), dpop.close(), ...vaults.map((vault) => vault.close())]);
      }
    }
  } finally {
    lean.closeAllConnections();
    await Promise.all([tokens.close(), new Promise((resolve) => lean.close(resolve))]);
  }
  return rows;
}
