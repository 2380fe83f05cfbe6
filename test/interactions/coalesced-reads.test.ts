import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../../src/db/database';
import { createReadCoalescer, createStatementCoalescer } from '../../src/db/read-coalescer';
import { api, listenTestApp, type ListeningTestApp } from '../helpers/app';
import { insertInteraction, type InsertedInteraction } from '../helpers/factories';

/** A read function that records the keys of each call and answers the keys found in `rows`. */
function recordingRead(rows: Map<string, string>, fail?: (keys: string[]) => boolean) {
  const calls: string[][] = [];
  const read = async (keys: string[]) => {
    calls.push(keys);
    if (fail?.(keys)) throw new Error(`failed: ${keys.join(',')}`);
    return new Map(keys.filter((key) => rows.has(key)).map((key) => [key, rows.get(key)!]));
  };
  return { calls, read };
}

describe('createReadCoalescer', () => {
  const rows = new Map([
    ['a', 'row a'],
    ['b', 'row b'],
    ['c', 'row c'],
  ]);

  it('reads the keys asked for in one turn with one call, each caller getting its own row', async () => {
    const { calls, read } = recordingRead(rows);
    const load = createReadCoalescer(read);
    const answers = await Promise.all([load('a'), load('b'), load('missing'), load('c')]);
    expect(answers).toEqual(['row a', 'row b', undefined, 'row c']);
    expect(calls).toEqual([['a', 'b', 'missing', 'c']]);
  });

  it('asks for a key once however many callers want it in the turn', async () => {
    const { calls, read } = recordingRead(rows);
    const load = createReadCoalescer(read);
    expect(await Promise.all([load('a'), load('a'), load('b'), load('a')])).toEqual([
      'row a',
      'row a',
      'row b',
      'row a',
    ]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('reads a key asked for after the turn ended with a statement of its own, started after it was asked for', async () => {
    const { calls, read } = recordingRead(rows);
    const load = createReadCoalescer(read);
    const first = load('a');
    await new Promise((resolve) => setImmediate(resolve));
    const second = load('a');
    expect(await Promise.all([first, second])).toEqual(['row a', 'row a']);
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('splits more keys than maxKeys across calls', async () => {
    const { calls, read } = recordingRead(rows);
    const load = createReadCoalescer(read, { maxKeys: 2 });
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map(load))).toEqual([
      'row a',
      'row b',
      'row c',
      undefined,
      undefined,
    ]);
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails the callers of a call that failed with its error, and only them', async () => {
    const { read } = recordingRead(rows, (keys) => keys.includes('b'));
    const load = createReadCoalescer(read, { maxKeys: 2 });
    const settled = await Promise.allSettled([load('a'), load('b'), load('c')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toEqual(new Error('failed: a,b'));
    expect((settled[2] as PromiseFulfilledResult<string>).value).toBe('row c');
  });
});

describe('GET /api/interactions/:id and interaction(id) read concurrently', () => {
  let t: ListeningTestApp;
  let stored: InsertedInteraction[];
  const pointReads = () => t.queries.filter((sql) => sql.includes('AS asked(id)'));

  beforeAll(async () => {
    t = await listenTestApp();
    stored = [];
    // Rows whose created date is not their id's time (as rows of 0.1 moved by the upgrade are) are found too.
    for (let i = 0; i < 7; i += 1) {
      stored.push(
        await insertInteraction(t.database.db, {
          resourceId: `point-${i}`,
          createdDate: new Date(Date.UTC(2025, i, 3)).toISOString(),
        }),
      );
    }
  });
  afterAll(() => t.close());

  it('answers each of many concurrent requests with its own row, or its own 404', async () => {
    const missing = randomUUID();
    const asked = [
      ...stored.map((row) => row.id),
      stored[2].id.toUpperCase(),
      stored[4].id,
      missing,
      ...stored.map((row) => row.id),
    ];
    const answers = await Promise.all(
      asked.map((id) => fetch(`${t.base}/api/interactions/${id}`, { headers: { 'x-api-key': t.keys.read } })),
    );
    for (const [i, response] of answers.entries()) {
      const body = (await response.json()) as { interactionId?: string; resourceId?: string; error?: { code: string } };
      if (asked[i] === missing) {
        expect([response.status, body.error?.code]).toEqual([404, 'NOT_FOUND']);
      } else {
        expect(response.status).toBe(200);
        expect(body.interactionId).toBe(asked[i].toLowerCase());
        expect(body.resourceId).toBe(`point-${stored.findIndex((row) => row.id === body.interactionId)}`);
      }
    }
  });

  it('reads the ids of one GraphQL operation with one statement, padded to a power of two', async () => {
    const missing = randomUUID();
    const ids = [stored[0].id, stored[3].id, stored[6].id, missing, stored[3].id];
    const query = `{ ${ids.map((id, i) => `r${i}: interaction(id: "${id}") { id resourceId }`).join(' ')} }`;
    t.queries.length = 0;
    const res = await api(t.app, t.keys.read).graphql(query);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    // Four distinct ids, one of them absent: one statement of four lookups; the absent one is NOT_FOUND at its alias.
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ['r3'], extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
    expect(pointReads()).toHaveLength(1);
    expect(pointReads()[0].match(/::uuid\)/g)).toHaveLength(4);

    const present = `{ ${ids
      .slice(0, 3)
      .map((id, i) => `r${i}: interaction(id: "${id}") { id resourceId }`)
      .join(' ')} }`;
    t.queries.length = 0;
    const ok = await api(t.app, t.keys.read).graphql(present);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data).toEqual({
      r0: { id: stored[0].id, resourceId: 'point-0' },
      r1: { id: stored[3].id, resourceId: 'point-3' },
      r2: { id: stored[6].id, resourceId: 'point-6' },
    });
    // Three ids, read by the statement of four (the last id asked for twice).
    expect(pointReads()).toHaveLength(1);
    expect(pointReads()[0].match(/::uuid\)/g)).toHaveLength(4);
  });
});

describe('first pages of one key, read concurrently', () => {
  let t: ListeningTestApp;
  const coalesced = () => t.queries.filter((sql) => sql.includes('jsonb_array_elements'));
  const numbersOf = (page: { items: { interactionNumber: number }[] }) => page.items.map((i) => i.interactionNumber);

  beforeAll(async () => {
    t = await listenTestApp();
    const db = t.database.db;
    for (const [resourceId, day] of [
      ['page-a', 1],
      ['page-b', 2],
      ['page-a', 3],
      ['page-a', 2],
      ['page-c', 5],
    ] as const) {
      await insertInteraction(db, { resourceId, userId: 'pager', createdDate: `2025-03-0${day}T10:00:00.000Z` });
    }
  });
  afterAll(() => t.close());

  const list = (alias: string, filter: string, limit = 50) =>
    `${alias}: interactions(filter: { ${filter} }, limit: ${limit}) {
      items { interactionNumber resourceId createdDate } pagination { total hasNext } }`;

  it('reads the first pages of several resources in one operation with one statement, each its own rows in order', async () => {
    t.queries.length = 0;
    const res = await api(t.app, t.keys.read).graphql(
      `{ ${list('a', 'resourceId: "page-a"')} ${list('b', 'resourceId: "page-b"')} ${list('none', 'resourceId: "page-none"')}
         ${list('a2', 'resourceId: "page-a"', 2)} }`,
    );
    expect(res.body.errors).toBeUndefined();
    const { a, b, none, a2 } = res.body.data;
    expect(a.items.map((i: { createdDate: string }) => i.createdDate)).toEqual([
      '2025-03-03T10:00:00.000Z',
      '2025-03-02T10:00:00.000Z',
      '2025-03-01T10:00:00.000Z',
    ]);
    expect(b.items.map((i: { resourceId: string }) => i.resourceId)).toEqual(['page-b']);
    expect([none.items, none.pagination.total]).toEqual([[], 0]);
    // A page of two of three: the extra row told there is more, and the count that followed says how many.
    expect([numbersOf(a2), a2.pagination]).toEqual([numbersOf(a).slice(0, 2), { total: 3, hasNext: true }]);
    expect(coalesced()).toHaveLength(1);
  });

  it('keeps a statement of its own for pages other than a key’s first, and for a key with other filters', async () => {
    const listOf = async (filter: string) => {
      t.queries.length = 0;
      const res = await api(t.app, t.keys.read).graphql(`{ ${list('x', filter)} ${list('y', filter)} }`);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.x;
    };
    expect(numbersOf(await listOf('userId: "pager", resourceId: "page-a"'))).toHaveLength(3);
    expect(coalesced()).toHaveLength(0);
    expect(numbersOf(await listOf('userId: "pager"'))).toHaveLength(5);
    expect(coalesced()).toHaveLength(1);
  });
});

describe('createStatementCoalescer', () => {
  let t: ListeningTestApp;
  const sent: string[] = [];
  const counting = (sql: SqlExecutor): SqlExecutor => ({
    query: (text, params, options) => {
      sent.push(text);
      return sql.query(text, params, options);
    },
    exec: (text) => sql.exec(text),
  });

  beforeAll(async () => {
    t = await listenTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => {
    sent.length = 0;
  });

  const PLAIN = `SELECT n, $1 || n::text AS label FROM generate_series(1, $2::int) AS n ORDER BY n DESC`;
  const DAYS = `SELECT n, $1::timestamptz + make_interval(days => n::int) AS day, length($2) AS size
    FROM generate_series(1, $3) AS n ORDER BY n`;

  it('gives each parameter list of a turn the rows its own statement gives, in its order, from one statement', async () => {
    const run = createStatementCoalescer(counting(t.database.db.sql));
    const lists = [
      ['a', 3],
      ['b', 0],
      ['c$1', 2],
      ['a', 1],
    ];
    const alone = await Promise.all(lists.map((params) => t.database.db.sql.query(PLAIN, params)));
    const together = await Promise.all(lists.map((params) => run(PLAIN, params)));
    expect(together).toEqual(alone);
    expect(together[0]).toEqual([
      { n: 3, label: 'a3' },
      { n: 2, label: 'a2' },
      { n: 1, label: 'a1' },
    ]);
    expect(together[2]).toEqual([
      { n: 2, label: 'c$12' },
      { n: 1, label: 'c$11' },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('jsonb_array_elements');
    // The coalesced statement's own columns are gone: the rows have the text's columns only.
    expect(Object.keys(together[2][0] as object)).toEqual(['n', 'label']);
  });

  // Strings travel as text, integers as int8 (a statement must take them so, as LIMIT does), dates as timestamptz.
  it('carries dates and integers as their own types', async () => {
    const run = createStatementCoalescer(counting(t.database.db.sql));
    const rows = await Promise.all([
      run(DAYS, [new Date('2024-02-28T23:59:59.999Z'), 'x', 2]),
      run(DAYS, [new Date('2024-12-31T12:00:00.000Z'), 'yy', 1]),
    ]);
    expect(sent).toHaveLength(1);
    expect(rows).toEqual([
      [
        { n: 1, day: new Date('2024-02-29T23:59:59.999Z'), size: 1 },
        { n: 2, day: new Date('2024-03-01T23:59:59.999Z'), size: 1 },
      ],
      [{ n: 1, day: new Date('2025-01-01T12:00:00.000Z'), size: 2 }],
    ]);
  });

  it('runs a text alone when it is asked for once in the turn, holds a literal, or has a value it cannot carry', async () => {
    const run = createStatementCoalescer(counting(t.database.db.sql));
    const LITERAL = `SELECT $1 || 'x' AS x`;
    const FLOAT = `SELECT $1::float8 AS x`;
    const answers = await Promise.all([
      run(PLAIN, ['once', 1]),
      run(LITERAL, ['a']),
      run(LITERAL, ['b']),
      run(FLOAT, [0.5]),
      run(FLOAT, [1.5]),
    ]);
    expect(answers).toEqual([[{ n: 1, label: 'once1' }], [{ x: 'ax' }], [{ x: 'bx' }], [{ x: 0.5 }], [{ x: 1.5 }]]);
    expect(sent).toEqual([LITERAL, LITERAL, FLOAT, FLOAT, PLAIN]);
  });

  it('runs a failed coalesced statement again per list, so only the list that fails gets the error', async () => {
    const run = createStatementCoalescer(counting(t.database.db.sql));
    // generate_series refuses a step of 0: one list of three fails.
    const STEP = `SELECT n FROM generate_series(1, 3, $1) AS n ORDER BY n`;
    const settled = await Promise.allSettled([run(STEP, [1]), run(STEP, [0]), run(STEP, [2])]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<unknown>).value).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect((settled[2] as PromiseFulfilledResult<unknown>).value).toEqual([{ n: 1 }, { n: 3 }]);
    expect(sent).toHaveLength(4);
  });
});
