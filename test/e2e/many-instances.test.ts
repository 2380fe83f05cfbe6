/**
 * Three real service processes on one PostgreSQL database behave as one: a lookup changed through one is seen by the
 * others within a second; the timeline refresh and the retention run happen once, not three times; the same
 * Idempotency-Key sent to two instances writes once; concurrent single creates sent to each instance are written by
 * that instance in fewer inserts than requests; acknowledged writes survive a SIGKILL of one instance; and the
 * per-key rate limit is shared through Redis, falling back to per-instance counting when Redis is cut off (through a
 * TCP proxy: the shared Redis server itself is never stopped); and a live-feed subscriber on one instance sees the
 * writes made through the others. PGlite is one process's database: skipped there.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/auth/api-key.service';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { SEALER_THREAD_NICE } from '../../src/integrity/sealer-thread';
import { verifyingKeyFromPem } from '../../src/integrity/signing-key';
import { verifyLog } from '../../src/integrity/verify';
import { LOG_FLUSH_MS } from '../../src/observability/logger';
import { createEmptyDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { insertInteraction } from '../helpers/factories';
import { freePort, startService, type RunningService } from '../helpers/service';
import { openSse } from '../helpers/sse';
import { CuttableProxy } from '../helpers/tcp-proxy';

jest.setTimeout(420_000); // three cold starts of the real service on a busy 2-core machine

const describeOnPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
const ADMIN_KEY = 'ik_many_instances_admin_key_0123456789';
const RATE = 40;
const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/** Waits (up to 10 s) for log lines: they reach stdout within LOG_FLUSH_MS of being logged. */
async function logged(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describeOnPostgres('three instances on one database', () => {
  let database: TestDatabase;
  let db: Database;
  let redisProxy: CuttableProxy;
  let instances: RunningService[] = [];
  let resourceTypeId: string;
  let keyDir: string;

  const call = (instance: RunningService, path: string, key: string, init: RequestInit = {}) =>
    fetch(instance.url + path, {
      ...init,
      headers: { 'x-api-key': key, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  const newKey = async (scopes: string[]) => (await createApiKey(db, { name: `k-${randomUUID()}`, scopes })).key;
  /** One sample of an instance's /metrics, e.g. `interactions_write_group_size_sum` (0 when absent). */
  const metric = async (instance: RunningService, name: string) => {
    const text = await (await fetch(`${instance.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  };
  const logs = (msg: string) => instances.flatMap((instance) => instance.logs().filter((line) => line.msg === msg));

  beforeAll(async () => {
    keyDir = mkdtempSync(path.join(tmpdir(), 'many-instances-key-'));
    database = await createEmptyDatabase();
    db = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 2 });
    await migrate(db);
    // January 2020 is long expired with RETENTION_DAYS=30: one instance must drop it, once.
    resourceTypeId = (
      await db.sql.query<{ id: string }>(
        `INSERT INTO resource_types (id, mnemonic, name, icon) VALUES ($1, 'MANY', 'Many', '🅰') RETURNING id`,
        [randomUUID()],
      )
    )[0].id;
    for (const day of [3, 9, 27]) {
      await insertInteraction(db, { resourceTypeId, createdDate: new Date(Date.UTC(2020, 0, day)) });
    }
    redisProxy = new CuttableProxy(await freePort(), { host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    await redisProxy.start();
    const env = {
      DATABASE_URL: database.url!,
      ADMIN_API_KEY: ADMIN_KEY,
      TIMELINE_REFRESH_SECONDS: '2',
      TIMELINE_REFRESH_ROWS: '0',
      RETENTION_DAYS: '30',
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      RATE_LIMIT_PER_MINUTE: String(RATE),
      // One signing key for the three (as a deployment mounts one file), and a seal every second.
      INTEGRITY_KEY_FILE: path.join(keyDir, 'integrity-key.pem'),
      CHECKPOINT_SECONDS: '1',
    };
    // Started together, as an orchestrator would: migrations, the bootstrap key and maintenance race.
    instances = await Promise.all([startService(env), startService(env), startService(env)]);
    // One of them drops January 2020 at start, which locks interactions for a moment: the tests begin after it, so
    // no request of theirs races the drop (the last test checks the drop itself).
    const deadline = Date.now() + 60_000;
    while (logs('retention run').length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    // Waited for: a child still exiting holds the jest worker open ("failed to exit gracefully").
    for (const instance of instances) instance.process.kill('SIGKILL');
    await Promise.all(instances.map((instance) => instance.exited));
    await redisProxy?.cut();
    await db?.close();
    await database?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('a lookup changed through one instance is seen by the others within a second', async () => {
    const [a, b, c] = instances;
    const key = await newKey(['admin']);
    const created = await call(a, '/api/interactions', key, {
      method: 'POST',
      body: JSON.stringify({ resourceId: 'lookup-change', resourceTypeId, action: 'CREATE', origin: 'API' }),
    });
    expect(created.status).toBe(201);
    const icons = async (instance: RunningService) => {
      const res = await call(instance, '/api/interactions?resourceId=lookup-change', key);
      const body = (await res.json()) as { data?: { resourceTypeIcon: string }[] };
      if (res.status !== 200 || !body.data?.[0])
        throw new Error(`list answered ${res.status}: ${JSON.stringify(body)}`);
      return body.data[0].resourceTypeIcon;
    };
    expect([await icons(b), await icons(c)]).toEqual(['🅰', '🅰']); // both caches now hold the lookup
    const patched = await call(a, `/api/resource-types/${resourceTypeId}`, key, {
      method: 'PATCH',
      body: JSON.stringify({ icon: '🅱' }),
    });
    expect(patched.status).toBe(200);
    const changedAt = Date.now();
    const seen: number[] = [];
    for (const instance of [b, c]) {
      while ((await icons(instance)) !== '🅱' && Date.now() - changedAt < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      seen.push(Date.now() - changedAt);
    }
    expect(Math.max(...seen)).toBeLessThan(1000);
  });

  it('the same Idempotency-Key sent to two instances at once writes once', async () => {
    const key = await newKey(['write']);
    const body = JSON.stringify({ resourceId: 'idem-many', resourceTypeId, action: 'CREATE', origin: 'API' });
    const send = (instance: RunningService) =>
      call(instance, '/api/interactions', key, { method: 'POST', body, headers: { 'idempotency-key': 'same-key' } });
    const answers = await Promise.all([send(instances[0]), send(instances[1]), send(instances[2])]);
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201]);
    const ids = await Promise.all(
      answers.map(async (res) => ((await res.json()) as { interactionId: string }).interactionId),
    );
    expect(new Set(ids).size).toBe(1);
    const [{ count }] = await db.sql.query<{ count: number }>(
      `SELECT count(*) AS count FROM interactions WHERE resource_id = 'idem-many'`,
    );
    expect(Number(count)).toBe(1);
  });

  it('the rate limit is one budget across instances, and survives Redis being cut off', async () => {
    const key = await newKey(['read']);
    const get = (i: number) => call(instances[i % 3], '/api/actions', key);
    const statuses: number[] = [];
    for (let i = 0; i < RATE; i += 1) statuses.push((await get(i)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    // Each instance served ~13: counted per instance, the next request would pass. Shared, the budget is spent.
    expect((await get(0)).status).toBe(429);

    // Counted from the cut: an instance that served a request before its first Redis connection already logged one
    // (a start without Redis is an outage of its own).
    const degraded = (instance: RunningService) =>
      instance
        .logs()
        .filter((line) => line.msg === 'rate limit: Redis unreachable, counting per instance until it is back').length;
    const before = instances.map(degraded);
    await redisProxy.cut();
    const other = await newKey(['read']);
    const during: number[] = [];
    for (let i = 0; i < 9; i += 1) during.push((await call(instances[i % 3], '/api/actions', other)).status);
    expect(during).toEqual(Array(9).fill(200));
    // Once per instance and outage, not once per request counted locally (lines reach stdout within LOG_FLUSH_MS).
    await logged(() => instances.every((instance, i) => degraded(instance) > before[i]));
    expect(instances.map((instance, i) => degraded(instance) - before[i])).toEqual([1, 1, 1]);
    await redisProxy.start();
  });

  it('the timeline refresh runs once per interval between the three, not three times', async () => {
    const windowStart = Date.now();
    // The window, then the log's flush interval, so that the window's last lines are out.
    await new Promise((resolve) => setTimeout(resolve, 10_000 + 2 * LOG_FLUSH_MS));
    const refreshes = logs('timeline refreshed').filter((line) => {
      const at = Date.parse(String(line.time));
      return at >= windowStart && at < windowStart + 10_000;
    });
    // An interval of 2 s over 10 s: about 5 refreshes in all (each instance alone would make 5: 15 together).
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.length).toBeLessThanOrEqual(7);
  });

  it('the retention run happened once: one instance dropped the expired partition', async () => {
    expect(logs('retention run')).toHaveLength(1);
    const dropped = logs('retention dropped partition');
    expect(dropped.map((line) => [line.partition, line.rows])).toEqual([['interactions_p20200101', 3]]);
    const [{ count }] = await db.sql.query<{ count: number }>(
      `SELECT count(*) AS count FROM interactions WHERE created_date < '2020-02-01'`,
    );
    expect(Number(count)).toBe(0);
    // The drop is counted once, on the instance that made it.
    const total = async (name: string) =>
      (await Promise.all(instances.map((instance) => metric(instance, name)))).reduce((a, b) => a + b, 0);
    expect(await total('interactions_retention_runs_total')).toBe(1);
    expect(await total('interactions_retention_dropped_partitions_total')).toBe(1);
    expect(await total('interactions_retention_dropped_rows_total')).toBe(3);
  });

  it('concurrent single creates to each instance are written in fewer inserts than requests', async () => {
    const PER_INSTANCE = 30;
    // Three keys per instance: ten requests each stay inside the per-key rate limit.
    const keys = await Promise.all(Array.from({ length: 9 }, () => newKey(['write'])));
    const groups = (instance: RunningService) =>
      Promise.all([
        metric(instance, 'interactions_write_group_size_count'),
        metric(instance, 'interactions_write_group_size_sum'),
      ]);
    const before = await Promise.all(instances.map(groups));
    const sent = await Promise.all(
      instances.map((instance, n) =>
        Promise.all(
          Array.from({ length: PER_INSTANCE }, (_, i) =>
            call(instance, '/api/interactions', keys[n * 3 + (i % 3)], {
              method: 'POST',
              body: JSON.stringify({ resourceId: `coalesce-${n}`, resourceTypeId, action: 'CREATE', origin: 'API' }),
            }).then((res) => res.status),
          ),
        ),
      ),
    );
    expect(sent).toEqual(instances.map(() => Array(PER_INSTANCE).fill(201)));
    const after = await Promise.all(instances.map(groups));
    for (let n = 0; n < instances.length; n += 1) {
      const inserts = after[n][0] - before[n][0];
      // Every create of this instance went through its own coalescer, and they shared inserts.
      expect(after[n][1] - before[n][1]).toBe(PER_INSTANCE);
      expect(inserts).toBeGreaterThan(0);
      expect(inserts).toBeLessThan(PER_INSTANCE);
      // The database agrees: rows of one insert share its transaction (xmin).
      const [{ transactions }] = await db.sql.query<{ transactions: number }>(
        `SELECT count(DISTINCT xmin::text) AS transactions FROM interactions WHERE resource_id = $1`,
        [`coalesce-${n}`],
      );
      expect(Number(transactions)).toBe(inserts);
    }
  });

  it('a live-feed subscriber on one instance sees the writes made through the others, once each, in order', async () => {
    const reader = await newKey(['read']);
    const writer = await newKey(['write']);
    const resourceId = `feed-${randomUUID()}`;
    const stream = await openSse(`${instances[0].url}/api/interactions/stream?resourceId=${resourceId}`, {
      'x-api-key': reader,
    });
    expect(stream.status).toBe(200);
    expect((await stream.next(30_000))?.event).toBe('ready');
    const written: string[] = [];
    for (const instance of [instances[1], instances[2], instances[1]]) {
      const res = await call(instance, '/api/interactions', writer, {
        method: 'POST',
        body: JSON.stringify({ resourceId, resourceTypeId, action: 'CREATE', origin: 'API' }),
      });
      expect(res.status).toBe(201);
      written.push(((await res.json()) as { interactionId: string }).interactionId);
    }
    const received: string[] = [];
    while (received.length < written.length) {
      const event = await stream.next(10_000);
      if (event?.event === 'interaction') received.push(JSON.parse(event.data).interactionId);
    }
    stream.close();
    expect(received).toEqual(written);
  });

  it('the three seal one chain of checkpoints with the shared key, each range once, and it verifies', async () => {
    const key = verifyingKeyFromPem(readFileSync(path.join(keyDir, 'integrity-key.pem.pub'), 'utf8'));
    // Everything written so far is sealed within a few seconds (a seal a second, whichever instance gets the lock).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [{ unsealed }] = await db.sql.query<{ unsealed: number }>(
        `SELECT ((SELECT count(*) FROM interactions) -
           (SELECT coalesce(sum(row_count), 0) FROM integrity_checkpoints))::int AS unsealed`,
      );
      if (unsealed === 0) break;
      if (Date.now() > deadline) throw new Error(`${unsealed} rows still unsealed after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const report = await verifyLog(db.sql, { key });
    expect(report.problems).toEqual([]);
    expect(report.checkpoints).toBeGreaterThan(0);
    // Each checkpoint sealed once, by whichever instance held the lock: seqs 1…N, none twice.
    await logged(() => logs('integrity checkpoint sealed').length >= report.checkpoints);
    const sealed = logs('integrity checkpoint sealed').map((line) => line.seq);
    expect([...sealed].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: report.checkpoints }, (_, i) => i + 1),
    );
    // Each instance seals on a thread of its own (docs/integrity.md), not on its request thread.
    expect(new Set(logs('integrity checkpoint sealed').map((line) => line.thread))).toEqual(new Set(['sealer']));
  });

  it("each instance's sealer runs on one thread of its own at the lowest priority, the rest at the service's", () => {
    for (const instance of instances) {
      const tasks = readdirSync(`/proc/${instance.process.pid}/task`);
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the command in parentheses).
      const nice = tasks.map((tid) => {
        const stat = readFileSync(`/proc/${instance.process.pid}/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
      expect(nice.filter((value) => value === SEALER_THREAD_NICE)).toHaveLength(1);
      expect(nice.filter((value) => value !== SEALER_THREAD_NICE).every((value) => value === nice[0])).toBe(true);
      expect(nice[0]).not.toBe(SEALER_THREAD_NICE);
    }
  });

  it('none acknowledged is lost when one instance is SIGKILLed', async () => {
    const keys = await Promise.all(Array.from({ length: 12 }, () => newKey(['write'])));
    const acknowledged: string[] = [];
    let failed = 0;
    let killed = false;
    const worker = async (key: string, w: number) => {
      for (let i = 0; i < 30; i += 1) {
        const target = instances[(w + i) % 3];
        try {
          const res = await call(target, '/api/interactions', key, {
            method: 'POST',
            body: JSON.stringify({ resourceId: `load-${w}-${i}`, resourceTypeId, action: 'CREATE', origin: 'API' }),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { interactionId: string }).interactionId);
          else failed += 1;
        } catch {
          failed += 1; // the killed instance: no answer, nothing acknowledged
        }
        if (!killed && acknowledged.length >= 60) {
          killed = true;
          instances[2].process.kill('SIGKILL');
        }
      }
    };
    await Promise.all(keys.map(worker));
    expect(killed).toBe(true);
    expect(failed).toBeGreaterThan(0);
    const stored = await db.sql.query<{ id: string }>(`SELECT id FROM interactions WHERE id = ANY($1::uuid[])`, [
      acknowledged,
    ]);
    expect(stored.length).toBe(acknowledged.length);
  });
});
