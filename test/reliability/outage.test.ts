/**
 * Database outages on PostgreSQL, through the real HTTP server (src/server.ts over buildApp) with the LISTEN connection
 * running, the database behind a TCP proxy the test can break: refused for 3 s and for 10 s, silent for 10 s, and its
 * connection limit taken by another client. Requests (a create, a read, /readyz) go out every 150 ms throughout.
 * During each outage they answer 503 within 1 s, none hangs past the statement limit, none is a 500; the service
 * holds at most one LISTEN connection and pool + 1 connections in all (sampled from pg_stat_activity); and once the
 * database is back, the first 2xx comes within 2 s. (PGlite lives in the process and cannot go away: skipped there.)
 */
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { buildApp, closeApp } from '../../src/app';
import { createApiKey } from '../../src/auth/api-key.service';
import { loadConfig } from '../../src/config';
import { listenForChanges } from '../../src/db/change-events';
import type { Database } from '../../src/db/database';
import { STALL_MS } from '../../src/db/limits';
import { openMigratedDatabase } from '../../src/db/open';
import { createLogger } from '../../src/observability/logger';
import { createHttpServer } from '../../src/server';
import { TEST_DATABASE_KIND } from '../helpers/database';
import { freePort } from '../helpers/service';
import { CuttableProxy } from '../helpers/tcp-proxy';

const describeOnPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
jest.setTimeout(90_000);

const POOL_SIZE = 4;
const STATEMENT_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 1000;
const TICK_MS = 150;
/** No request may take longer than the statement limit, the client's read margin and some slack of a busy machine. */
const LONGEST_MS = STATEMENT_TIMEOUT_MS + 1000 + 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  kind: 'create' | 'read' | 'ready';
  start: number;
  end: number;
  status: number;
}

interface Sample {
  at: number;
  listen: number;
  total: number;
}

describeOnPostgres('database outage', () => {
  const suffix = `${Date.now()}_${randomBytes(3).toString('hex')}`;
  const role = `itest_outage_role_${suffix}`;
  const database = `itest_outage_${suffix}`;
  const adminUrl = process.env.DATABASE_URL!;
  let admin: Client;
  let proxy: CuttableProxy;
  let db: Database;
  let server: Server;
  let app: Express;
  let base: string;
  let key: string;
  let stopListening: () => Promise<void>;
  const breakerChanges: string[] = [];

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    // A role that is not a superuser: a database's CONNECTION LIMIT does not apply to superusers.
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    const target = new URL(adminUrl);
    proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(adminUrl);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    viaProxy.username = role;
    viaProxy.password = '';
    viaProxy.pathname = `/${database}`;
    const config = loadConfig({
      DATABASE_URL: viaProxy.toString(),
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    });
    ({ db } = await openMigratedDatabase(config, { onAvailabilityChange: (state) => breakerChanges.push(state) }));
    app = await buildApp({ db, config, logger: createLogger({ level: 'silent' }) });
    stopListening = await listenForChanges(db);
    server = createHttpServer(app, config).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    key = (await createApiKey(db, { name: 'outage', scopes: ['admin'] })).key;
    expect((await send('POST', '/api/resource-types', { mnemonic: 'NONE' })).status).toBe(201);
  });

  afterAll(async () => {
    await proxy.restore();
    await new Promise((resolve) => server.close(resolve));
    await stopListening();
    await closeApp(app);
    await db.close().catch(() => undefined);
    await proxy.cut();
    await admin.query(`ALTER DATABASE ${database} CONNECTION LIMIT -1`);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  async function send(method: string, path: string, body?: unknown): Promise<{ status: number }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    await res.arrayBuffer();
    return { status: res.status };
  }

  /** Sends a create, a read and /readyz every TICK_MS until stopped; every answer is recorded (0: no answer). */
  function traffic() {
    const outcomes: Outcome[] = [];
    const pending = new Set<Promise<void>>();
    let n = 0;
    const one = (kind: Outcome['kind'], method: string, path: string, body?: unknown) => {
      const start = Date.now();
      const done = send(method, path, body)
        .then(
          ({ status }) => status,
          () => 0,
        )
        .then((status) => {
          outcomes.push({ kind, start, end: Date.now(), status });
        });
      pending.add(done);
      void done.then(() => pending.delete(done));
    };
    const timer = setInterval(() => {
      n += 1;
      one('create', 'POST', '/api/interactions', {
        resourceId: `outage-${n}`,
        resourceType: 'NONE',
        action: 'CREATE',
        origin: 'API',
      });
      one('read', 'GET', '/api/interactions?limit=5');
      one('ready', 'GET', '/readyz');
    }, TICK_MS);
    return {
      outcomes,
      async stop() {
        clearInterval(timer);
        await Promise.all([...pending]);
        return outcomes;
      },
    };
  }

  /** Counts the service's connections (its role's) in pg_stat_activity every 100 ms until stopped. */
  function sampleConnections() {
    const samples: Sample[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const { rows } = await admin.query<{ app: string; n: number }>(
          `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND usename = $2 GROUP BY 1`,
          [database, role],
        );
        const count = (app: string) => rows.find((row) => row.app === app)?.n ?? 0;
        samples.push({
          at: Date.now(),
          listen: count('interactions-listen'),
          total: rows.reduce((a, r) => a + r.n, 0),
        });
        await sleep(100);
      }
    })();
    return {
      samples,
      async stop() {
        running = false;
        await loop;
        return samples;
      },
    };
  }

  async function listenConnections(): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'interactions-listen'`,
      [database],
    );
    return rows[0].n;
  }

  /**
   * Runs traffic around one outage: `breakIt` starts it, `mendIt` ends it `durationMs` later. Requests started more
   * than `detectMs` after the start must be refused within 1 s; earlier ones (in flight when it began, or sent before
   * the service could know) may take up to the statement limit.
   */
  async function outage(breakIt: () => Promise<void>, mendIt: () => Promise<void>, durationMs: number, detectMs = 300) {
    expect(await listenConnections()).toBe(1);
    breakerChanges.length = 0;
    const connections = sampleConnections();
    const load = traffic();
    await sleep(600);
    const brokeAt = Date.now();
    await breakIt();
    await sleep(durationMs);
    const mendedAt = Date.now();
    await mendIt();
    const recoveredBy = Date.now() + 4000;
    while (!load.outcomes.some((o) => o.kind === 'create' && o.start >= mendedAt && o.status === 201)) {
      if (Date.now() > recoveredBy) break;
      await sleep(50);
    }
    await sleep(500);
    const outcomes = await load.stop();
    const samples = await connections.stop();

    // Never a 500 or a reset, never a hang.
    expect(outcomes.filter((o) => ![200, 201, 503].includes(o.status))).toEqual([]);
    expect(outcomes.filter((o) => o.end - o.start > LONGEST_MS)).toEqual([]);
    // Healthy before.
    expect(outcomes.filter((o) => o.end < brokeAt).every((o) => o.status < 300)).toBe(true);
    // Refused fast during.
    const during = outcomes.filter((o) => o.start >= brokeAt + detectMs && o.end <= mendedAt);
    expect(during.length).toBeGreaterThan(3 * ((durationMs - detectMs) / TICK_MS) * 0.5);
    expect(during.filter((o) => o.status !== 503)).toEqual([]);
    expect(during.filter((o) => o.end - o.start > 1000)).toEqual([]);
    // Back within 2 s.
    for (const kind of ['create', 'read', 'ready'] as const) {
      const first = outcomes.find((o) => o.kind === kind && o.start >= mendedAt && o.status < 300);
      expect({ kind, recoveredAfterMs: first ? first.end - mendedAt : null }).toEqual({
        kind,
        recoveredAfterMs: expect.any(Number),
      });
      expect(first!.end - mendedAt).toBeLessThanOrEqual(2000);
    }
    // One outage, one opening of the breaker and one closing: no flapping.
    expect(breakerChanges).toEqual(['open', 'closed']);
    // Bounded connections throughout: one LISTEN, pool + 1 in all.
    expect(samples.length).toBeGreaterThan(durationMs / 200);
    expect(samples.filter((s) => s.listen > 1 || s.total > POOL_SIZE + 1)).toEqual([]);
    // The LISTEN connection is back (one, not several).
    for (let i = 0; i < 40 && (await listenConnections()) !== 1; i++) await sleep(100);
    expect(await listenConnections()).toBe(1);
  }

  it('refused for 3 s', async () => {
    await outage(
      () => proxy.refuse(),
      () => proxy.restore(),
      3000,
    );
  });

  it('refused for 10 s', async () => {
    await outage(
      () => proxy.refuse(),
      () => proxy.restore(),
      10_000,
    );
  });

  it('silent for 10 s', async () => {
    // Silence cannot be told from a slow answer at once: statements outstanding with no answer for STALL_MS make the
    // breaker probe, and the probe gives up after the connect timeout. Requests sent before that may wait for it.
    await outage(
      async () => proxy.silence(),
      () => proxy.restore(),
      10_000,
      STALL_MS + CONNECT_TIMEOUT_MS + 750,
    );
  });

  it("the database's connection limit taken by another client", async () => {
    const fillers: Client[] = [];
    await outage(
      async () => {
        // Another client holds every connection the database allows; the service's own are then dropped, as a
        // restarted server or a pooler would drop them, and every attempt to re-open one is refused (53300).
        const others = 2;
        await admin.query(`ALTER DATABASE ${database} CONNECTION LIMIT ${others}`);
        for (let i = 0; i < others; i++) {
          const filler = new Client({ connectionString: adminUrl.replace(/\/[^/?]*(\?|$)/, `/${database}$1`) });
          filler.on('error', () => undefined);
          await filler.connect();
          fillers.push(filler);
        }
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = $2`,
          [database, role],
        );
      },
      async () => {
        await admin.query(`ALTER DATABASE ${database} CONNECTION LIMIT -1`);
        await Promise.all(fillers.map((filler) => filler.end()));
      },
      5000,
    );
  });
});
