/**
 * WEB_CONCURRENCY=2 (ADR 106): the real service as `npm start` runs it, a primary and two workers on one port. Each
 * request is answered by one worker, seen through the access log's `pid` (each connection here is a new one, which
 * the primary hands to the workers in turn): both workers answer, neither is the primary; a create through one is read
 * back through the other; the jobs run once, in the primary; /metrics sums every process; a worker killed outright is
 * replaced and the service keeps answering; SIGTERM to the primary stops the workers first and exits 0 with every
 * acknowledged create written; the workers of a primary killed outright stop by themselves; workers that cannot start
 * (their port is taken) are replaced a bounded number of times, then the primary exits 1. PGlite refuses
 * WEB_CONCURRENCY above 1 (test/config/config.test.ts): PostgreSQL only.
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { createEmptyDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { startService, type RunningService } from '../helpers/service';

jest.setTimeout(300_000); // a cold start of three processes on a busy 2-core machine

const describeOnPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
const ADMIN_KEY = 'ik_web_concurrency_admin_key_0123456789';

interface Answer {
  status: number;
  body: string;
  /** The pid of the process whose access log line carries this request's id. */
  pid: number;
}

describeOnPostgres('WEB_CONCURRENCY=2', () => {
  let database: TestDatabase;
  let db: Database;
  let service: RunningService;
  let resourceTypeId: string;

  /** The log lines of the service with `msg`. */
  const logs = (msg: string) => service.logs().filter((line) => line.msg === msg);
  const until = async (what: string, done: () => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${service.stdout()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** One request on a connection of its own (no keep-alive), and the pid of the worker that logged it. */
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const id = `wc-${randomUUID()}`;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${service.url}${path}`,
        {
          method,
          agent: false,
          headers: { 'x-api-key': ADMIN_KEY, 'x-request-id': id, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    let line: Record<string, unknown> | undefined;
    await until(`the access log line of ${id}`, () => {
      line = logs('request').find((entry) => entry.reqId === id);
      return line !== undefined;
    });
    return { status, body: text, pid: line!.pid as number };
  };
  const create = (resourceId: string) =>
    call('POST', '/api/interactions', { resourceId, resourceTypeId, action: 'CREATE', origin: 'API' });
  const workerPids = () => new Set(logs('listening').map((line) => line.pid as number));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    database = await createEmptyDatabase();
    db = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 2 });
    await migrate(db);
    resourceTypeId = (
      await db.sql.query<{ id: string }>(
        `INSERT INTO resource_types (id, mnemonic, name, icon) VALUES ($1, 'WC', 'Web concurrency', '🅦') RETURNING id`,
        [randomUUID()],
      )
    )[0].id;
    service = await startService(
      {
        DATABASE_URL: database.url!,
        ADMIN_API_KEY: ADMIN_KEY,
        WEB_CONCURRENCY: '2',
        DATABASE_POOL_SIZE: '4',
        TIMELINE_REFRESH_SECONDS: '1',
        TIMELINE_REFRESH_ROWS: '0',
        CHECKPOINT_SECONDS: '1',
      },
      240_000,
      'workers listening',
    );
    // Each worker's own `listening` line follows within the log's flush interval (LOG_FLUSH_MS).
    await until("both workers' listening lines", () => workerPids().size === 2);
  });

  afterAll(async () => {
    // Waited for: a child still exiting holds the jest worker open. The workers go with it (they stop when the
    // primary's channel closes); any left are ours and killed by pid.
    if (service?.process.exitCode === null) service.process.kill('SIGKILL');
    await service?.exited;
    for (const pid of service ? workerPids() : []) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await db?.close();
    await database?.close();
  });

  it('two worker processes answer on the one port, neither of them the primary', async () => {
    const primary = service.process.pid!;
    expect(workerPids().size).toBe(2);
    expect(workerPids().has(primary)).toBe(false);
    const answers = [];
    for (let i = 0; i < 8; i += 1) answers.push(await call('GET', '/readyz'));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((answer) => answer.pid))).toEqual(workerPids());
  });

  it('a create through one worker is read back through the other', async () => {
    const created = await create(`wc-read-back-${randomUUID()}`);
    expect(created.status).toBe(201);
    const { interactionId } = JSON.parse(created.body) as { interactionId: string };
    let other: Answer | undefined;
    for (let i = 0; i < 10 && !other; i += 1) {
      const read = await call('GET', `/api/interactions/${interactionId}`);
      expect(read.status).toBe(200);
      expect(JSON.parse(read.body)).toMatchObject({ interactionId });
      if (read.pid !== created.pid) other = read;
    }
    expect(other).toBeDefined();
  });

  it("DATABASE_POOL_SIZE is split between the workers: 4 → 2 each, beside the primary's 3 for the jobs", async () => {
    // Enough concurrent requests on each worker to fill a pool of 4 if a worker had one.
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call('GET', `/api/interactions?resourceId=wc-pool-${i}&pageSize=5`)),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const [{ connections }] = await db.sql.query<{ connections: number }>(
      `SELECT count(*)::int AS connections FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'interactions'`,
    );
    // Workers 2 + 2, the primary at most 3 (its pool), this test's own pool 2; unsplit it would be 4 + 4 + 3 + 2.
    expect(connections).toBeLessThanOrEqual(2 + 2 + 3 + 2);
  });

  it('the once-per-service jobs run in the primary only', async () => {
    await until('two timeline refreshes and a seal', () => logs('timeline refreshed').length >= 2);
    const primary = service.process.pid!;
    const jobLines = service
      .logs()
      .filter((line) => line.msg === 'timeline refreshed' || line.msg === 'database ready');
    expect(new Set(jobLines.map((line) => line.pid))).toEqual(new Set([primary]));
    expect(jobLines.every((line) => line.role === 'primary')).toBe(true);
  });

  it("/metrics answers the service's sums from either worker, the primary's jobs included", async () => {
    for (let i = 0; i < 6; i += 1) expect((await create(`wc-metrics-${i}`)).status).toBe(201);
    const [{ written }] = await db.sql.query<{ written: number }>(`SELECT count(*)::int AS written FROM interactions`);
    const sample = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name} `))
          ?.slice(name.length + 1) ?? NaN,
      );
    const scrapes = [];
    for (let i = 0; i < 4; i += 1) scrapes.push(await call('GET', '/metrics'));
    expect(new Set(scrapes.map((scrape) => scrape.pid))).toEqual(workerPids());
    for (const scrape of scrapes) {
      expect(scrape.status).toBe(200);
      // Each worker wrote some of them: only the sum is every create.
      expect(sample(scrape.body, 'interactions_ingested_total')).toBe(written);
      // The refresher runs in the primary only.
      expect(sample(scrape.body, 'timeline_refresh_duration_seconds_count')).toBeGreaterThan(0);
    }
  });

  it('a worker killed outright is replaced, logged, and the service keeps answering', async () => {
    const [victim, survivor] = [...workerPids()];
    process.kill(victim, 'SIGKILL');
    await until('the replacement', () => logs('worker replaced').length === 1);
    expect(logs('worker exited unexpectedly')).toEqual([
      expect.objectContaining({ level: 'error', workerPid: victim, signal: 'SIGKILL', role: 'primary' }),
    ]);
    const replacement = logs('worker replaced')[0].workerPid as number;
    await until('the replacement listening', () => workerPids().has(replacement));
    const answered = new Set<number>();
    for (let i = 0; i < 8; i += 1) {
      const answer = await call('GET', '/readyz');
      expect(answer.status).toBe(200);
      answered.add(answer.pid);
    }
    expect(answered).toEqual(new Set([survivor, replacement]));
  });

  it('SIGTERM to the primary: the workers finish, every acknowledged create is written, exit 0', async () => {
    const marker = `wc-sigterm-${randomUUID()}`;
    const workers = [...workerPids()].filter(alive);
    expect(workers).toHaveLength(2);
    // Creates in flight on both workers when the signal comes: each settles as 201 or as a refused connection.
    let acknowledged = 0;
    let stop: Promise<number | null> | null = null;
    const sender = async () => {
      for (;;) {
        try {
          const answer = await create(marker);
          if (answer.status === 201) acknowledged += 1;
        } catch {
          return; // the service has stopped accepting
        }
        if (acknowledged >= 40) stop ??= service.stop();
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    expect(await stop).toBe(0);
    expect(workers.filter(alive)).toEqual([]);
    const [{ found }] = await db.sql.query<{ found: number }>(
      `SELECT count(*)::int AS found FROM interactions WHERE resource_id = $1`,
      [marker],
    );
    expect(found).toBeGreaterThanOrEqual(acknowledged);
    expect(acknowledged).toBeGreaterThanOrEqual(40);
    expect(logs('stopped').map((line) => line.pid)).toEqual(expect.arrayContaining([...workers, service.process.pid]));
  });

  it('workers whose primary is killed outright shut down by themselves', async () => {
    const orphaned = await startService(
      { DATABASE_URL: database.url!, ADMIN_API_KEY: ADMIN_KEY, WEB_CONCURRENCY: '2', CHECKPOINT_SECONDS: '0' },
      240_000,
      'workers listening',
    );
    const listening = () => [
      ...new Set(orphaned.logs().flatMap((line) => (line.msg === 'listening' ? [line.pid as number] : []))),
    ];
    await until("both workers' listening lines", () => listening().length === 2);
    const workers = listening();
    expect(workers).toHaveLength(2);
    try {
      orphaned.process.kill('SIGKILL');
      await orphaned.exited;
      const deadline = Date.now() + 60_000;
      while (workers.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(workers.filter(alive)).toEqual([]);
    } finally {
      for (const pid of workers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('workers that keep exiting are replaced 5 times, then the primary gives up: exit 1', async () => {
    // Another process holds the port: every worker's listen fails (EADDRINUSE) and it exits 1.
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const port = (holder.address() as { port: number }).port;
    try {
      const base = { ...process.env };
      for (const name of ['DATABASE_URL', 'DATA_DIR', 'ADMIN_API_KEY', 'NODE_OPTIONS']) delete base[name];
      const child = spawn(process.execPath, ['dist/main.js'], {
        cwd: path.resolve(__dirname, '../..'),
        env: {
          ...base,
          DATABASE_URL: database.url!,
          ADMIN_API_KEY: ADMIN_KEY,
          WEB_CONCURRENCY: '2',
          CHECKPOINT_SECONDS: '0',
          LOG_LEVEL: 'info',
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      const [code] = (await once(child, 'exit')) as [number | null];
      const lines = out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(code).toBe(1);
      expect(lines.filter((line) => line.msg === 'worker replaced')).toHaveLength(5);
      expect(lines.filter((line) => line.msg === 'workers keep exiting: shutting down')).toEqual([
        expect.objectContaining({ level: 'fatal', role: 'primary' }),
      ]);
      expect(lines.some((line) => line.msg === 'server error' && line.worker !== undefined)).toBe(true);
    } finally {
      holder.close();
    }
  });
});
