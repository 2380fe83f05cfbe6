import type { Express } from 'express';
import request from 'supertest';
import { buildApp, closeApp } from '../../src/app';
import type { SqlExecutor } from '../../src/db/database';
import { AppError } from '../../src/errors/app-error';
import { createLogger } from '../../src/observability/logger';
import { InteractionCoalescer } from '../../src/interactions/interaction.coalescer';
import { prepareInteraction, type PreparedInteraction } from '../../src/interactions/interaction.prepare';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { countInteractions, createOrderResourceType, orderBody } from '../helpers/factories';

let t: TestApp;
let app: Express;
beforeAll(async () => {
  t = await createTestApp();
  await createOrderResourceType(t);
  // A long window, a group size of 5 and no early flush: five concurrent creates make exactly one group.
  app = await buildApp({
    db: t.database.db,
    config: t.config,
    logger: createLogger({ level: 'silent' }),
    interactionWriter: new InteractionCoalescer(t.database.db.sql, {
      windowMs: 1000,
      maxBatch: 5,
      flushWhenIdle: false,
    }),
  });
});
afterAll(async () => {
  await closeApp(app);
  await t.close();
});

const prepare = (resourceId: string, overrides: Record<string, unknown> = {}): Promise<PreparedInteraction> =>
  prepareInteraction(t.database.db, orderBody(resourceId, overrides));

const insertsSince = (from: number) =>
  t.queries.slice(from).filter((sql) => /INSERT INTO interactions/.test(sql)).length;

describe('concurrent single creates over HTTP', () => {
  it('answers every request with its own distinct row', async () => {
    const writer = api(app, t.keys.write);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writer
          .post('/api/interactions')
          .set('x-userid', `user-${i}`)
          .send(orderBody(`conc-${i}`)),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    responses.forEach((response, i) => {
      expect(response.body.resourceId).toBe(`conc-${i}`);
      expect(response.body.userId).toBe(`user-${i}`);
    });
    expect(new Set(responses.map((r) => r.body.interactionId)).size).toBe(20);
    expect(new Set(responses.map((r) => r.body.interactionNumber)).size).toBe(20);
    expect(await countInteractions(t.database.db, 'conc-')).toBe(20);
  });

  it('writes a full group with one INSERT statement', async () => {
    const from = t.queries.length;
    const writer = api(app, t.keys.write);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => writer.post('/api/interactions').send(orderBody(`group-${i}`))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(5).fill(201));
    expect(insertsSince(from)).toBe(1);
  });

  it('fails only the request whose lookup is unknown', async () => {
    const writer = api(app, t.keys.write);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        writer.post('/api/interactions').send(orderBody(`mixed-${i}`, i === 2 ? { action: 'NO_SUCH_ACTION' } : {})),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 400, 201, 201]);
    expect(responses[2].body.error.code).toBe('UNKNOWN_LOOKUP');
    expect(await countInteractions(t.database.db, 'mixed-')).toBe(4);
  });

  it('fails only the request whose row the database refuses', async () => {
    const writer = api(app, t.keys.write);
    // A NUL character passes validation but PostgreSQL refuses it in text: only the database can say no.
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        writer.post('/api/interactions').send(orderBody(i === 3 ? 'nul-\u0000-3' : `nul-${i}`)),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 400, 201]);
    expect(responses[3].body.error.code).toBe('VALIDATION_ERROR');
    expect(responses.filter((r) => r.status === 201).map((r) => r.body.resourceId)).toEqual([
      'nul-0',
      'nul-1',
      'nul-2',
      'nul-4',
    ]);
    expect(await countInteractions(t.database.db, 'nul-')).toBe(4);
  });
});

describe('interactions_write_group_size on /metrics', () => {
  const sample = async (name: string) => {
    const text = (await request(t.app).get('/metrics').expect(200)).text as string;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.slice(name.length + 1) ?? NaN);
  };

  it('the app’s own coalescer observes each insert with its row count', async () => {
    const [inserts, rows] = [
      await sample('interactions_write_group_size_count'),
      await sample('interactions_write_group_size_sum'),
    ];
    const from = t.queries.length;
    const writer = api(t.app, t.keys.write);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => writer.post('/api/interactions').send(orderBody(`metric-${i}`))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(await sample('interactions_write_group_size_sum')).toBe(rows + 8);
    expect(await sample('interactions_write_group_size_count')).toBe(inserts + insertsSince(from));
  });
});

describe('a database failure', () => {
  it('fails every request of the group with 503 and writes none of it', async () => {
    const db = t.database.db;
    // The group's INSERT really runs, then the connection "drops" before COMMIT: the transaction rolls back.
    const losingConnection: SqlExecutor = {
      query: (sql, params) =>
        db.transaction(async (tx) => {
          await tx.query(sql, params);
          throw new Error('Connection terminated unexpectedly');
        }),
      exec: (sql) => db.sql.exec(sql),
    };
    const failing = await buildApp({
      db,
      config: t.config,
      logger: createLogger({ level: 'silent' }),
      interactionWriter: new InteractionCoalescer(losingConnection, {
        windowMs: 1000,
        maxBatch: 4,
        flushWhenIdle: false,
      }),
    });
    const writer = api(failing, t.keys.write);
    const responses = await Promise.all(
      Array.from({ length: 4 }, (_, i) => writer.post('/api/interactions').send(orderBody(`lost-${i}`))),
    );
    // A lost connection is the database being unavailable: 503 for every request of the group.
    expect(responses.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(responses.map((r) => r.body.error.code)).toEqual([
      'UNAVAILABLE',
      'UNAVAILABLE',
      'UNAVAILABLE',
      'UNAVAILABLE',
    ]);
    expect(await countInteractions(db, 'lost-')).toBe(0);
    await closeApp(failing);
  });
});

describe('the coalescer itself', () => {
  it('resolves each caller with the row of its own input, in one statement', async () => {
    const coalescer = new InteractionCoalescer(t.database.db.sql, {
      windowMs: 60_000,
      maxBatch: 10,
      flushWhenIdle: false,
    });
    const from = t.queries.length;
    const rows = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => coalescer.write(await prepare(`unit-${i}`))),
    );
    expect(rows.map((row) => row.resourceId)).toEqual(Array.from({ length: 10 }, (_, i) => `unit-${i}`));
    expect(insertsSince(from)).toBe(1);
  });

  it('writes the pending group on close (shutdown) before resolving', async () => {
    const coalescer = new InteractionCoalescer(t.database.db.sql, {
      windowMs: 60_000,
      maxBatch: 100,
      flushWhenIdle: false,
    });
    const pending = await Promise.all([prepare('shutdown-0'), prepare('shutdown-1'), prepare('shutdown-2')]);
    const writes = pending.map((row) => coalescer.write(row));
    expect(await countInteractions(t.database.db, 'shutdown-')).toBe(0);
    await coalescer.close();
    expect((await Promise.all(writes)).map((row) => row.resourceId)).toEqual([
      'shutdown-0',
      'shutdown-1',
      'shutdown-2',
    ]);
    expect(await countInteractions(t.database.db, 'shutdown-')).toBe(3);
  });

  it('writes a lone create without waiting out its window when no group is in flight', async () => {
    const coalescer = new InteractionCoalescer(t.database.db.sql, { windowMs: 600_000, maxBatch: 100 });
    const row = await coalescer.write(await prepare('eager-0'));
    expect(row.resourceId).toBe('eager-0');
  });

  it('refuses writes after close', async () => {
    const coalescer = new InteractionCoalescer(t.database.db.sql);
    await coalescer.close();
    await expect(coalescer.write(await prepare('after-close'))).rejects.toThrow(/closed/);
  });

  it('maps a lookup deleted under a queued row to UNKNOWN_LOOKUP for that row only', async () => {
    const coalescer = new InteractionCoalescer(t.database.db.sql, {
      windowMs: 60_000,
      maxBatch: 3,
      flushWhenIdle: false,
    });
    const good = await prepare('gone-0');
    const orphan = { ...(await prepare('gone-1')), resourceTypeId: '00000000-0000-7000-8000-0000000000ff' };
    const results = await Promise.allSettled([
      coalescer.write(good),
      coalescer.write(orphan),
      coalescer.write(await prepare('gone-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(AppError);
    expect(reason.code).toBe('UNKNOWN_LOOKUP');
  });
});
