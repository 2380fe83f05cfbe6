import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_DATASET, loadDataset, type Samples } from '../../bench/dataset';
import { checkPeerEquivalence, peerLookups, startPostGraphile, type PeerProcess } from '../../bench/peer';
import { listenTestApp, type ListeningTestApp } from '../helpers/app';
import { TEST_DATABASE_KIND } from '../helpers/database';

// PostGraphile connects over the network: PostgreSQL only (PGlite is in this process's memory).
const onPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;

/**
 * A stand-in for a peer that answers differently: forwards to the real one and rewrites its answers (`alter`), so
 * the check is seen to catch what it must.
 */
async function alteringProxy(target: string, alter: (data: Record<string, unknown>) => void) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const upstream = await fetch(`${target}${req.url}`, {
          method: req.method,
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        });
        const body = (await upstream.json()) as { data?: Record<string, unknown> };
        if (body.data) alter(body.data);
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

onPostgres('the PostGraphile peer (bench/peer.ts)', () => {
  let ours: ListeningTestApp;
  let theirs: PeerProcess;
  let context: Parameters<typeof checkPeerEquivalence>[2];

  beforeAll(async () => {
    ours = await listenTestApp();
    const { db, url } = ours.database;
    // 30 days: every action has rows in the last 7 (the action list's window).
    await db.transaction((tx) => loadDataset(tx, { ...DEFAULT_DATASET, rows: 4000, days: 30 }));
    const column = async (sql: string) => (await db.sql.query<{ v: string }>(sql)).map((row) => row.v);
    const samples: Samples = {
      ids: await column('SELECT id AS v FROM interactions ORDER BY random() LIMIT 5'),
      resourceIds: await column('SELECT DISTINCT resource_id AS v FROM interactions LIMIT 5'),
      actions: await column(`SELECT mnemonic AS v FROM actions WHERE mnemonic LIKE 'BENCH%' ORDER BY 1`),
      resourceTypes: await column(`SELECT mnemonic AS v FROM resource_types WHERE mnemonic LIKE 'BENCH%' ORDER BY 1`),
      userIds: [],
      uowIds: [],
      deepCursors: [],
    };
    context = { samples, lookups: await peerLookups(url!), marker: (s) => `peer-test-${s}`, databaseUrl: url! };
    theirs = await startPostGraphile(url!);
  });

  afterAll(async () => {
    await theirs?.stop();
    await ours?.close();
  });

  it('gets the same rows, nested lookups and totals from both for every query pair, and writes the same row', async () => {
    const result = await checkPeerEquivalence({ url: ours.base, key: ours.keys.admin }, theirs, context, 5);
    expect(result.mismatches).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checked['peer-get-by-id']).toEqual({ questions: 5, rows: 5 });
    expect(result.checked['peer-list-by-resource'].questions).toBe(5);
    expect(result.checked['peer-list-50-action'].questions).toBe(context.samples.actions.length);
    expect(result.checked['peer-list-50-action'].rows).toBeGreaterThan(context.samples.actions.length);
    expect(result.checked['peer-create']).toEqual({ questions: 2, rows: 2 });
    // The check's own rows are gone again.
    const [{ n }] = await ours.database.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM interactions WHERE user_id = 'peer-test-peer-check'`,
    );
    expect(n).toBe(0);
  });

  it('fails when the peer leaves out a row or names a lookup differently', async () => {
    type Nodes = { nodes: { actionByActionId: { name: string } }[] };
    const proxy = await alteringProxy(theirs.url, (data) => {
      const list = data.allInteractions as Nodes | undefined;
      if (!list || list.nodes.length === 0) return;
      if (list.nodes.length > 1) list.nodes.pop();
      else list.nodes[0].actionByActionId.name = 'Renamed';
    });
    try {
      const result = await checkPeerEquivalence({ url: ours.base, key: ours.keys.admin }, proxy, context, 5);
      expect(result.ok).toBe(false);
      expect(result.mismatches.some((m) => m.startsWith('peer-list-50-action'))).toBe(true);
      expect(result.mismatches.some((m) => m.startsWith('peer-get-by-id') && m.includes('Renamed'))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
