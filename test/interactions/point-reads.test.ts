import { randomUUID } from 'node:crypto';
import { createReadCoalescer } from '../../src/db/read-coalescer';
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
