import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  InteractionsConnectionCountDocument,
  InteractionsConnectionWalkDocument,
  type InteractionsConnectionWalkQuery,
} from '../generated/graphql';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';
import { orderBody } from '../helpers/factories';
import type { InteractionPage } from '../../packages/client/src/types';

// Keyset (cursor) pagination of the interaction list, REST `cursor` and the GraphQL connection. Each group of tests
// uses its own resource type, so rows one test adds never reach another's filter.

let t: TestApp;
const uowId = randomUUID();

/** ids of the ORDER rows newest first, as the page/limit list returns them. */
let orderIds: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await ensureResourceTypes(db, ['ORDER', 'OTHER', 'BATCHED', 'STABLE', 'MANY']);
  // ORDER rows at distinct times, some sharing a millisecond, OTHER rows between them (filtered out).
  const times = [
    '2024-01-01T10:00:00.000Z',
    '2024-01-02T10:00:00.000Z',
    '2024-01-02T10:00:00.000Z',
    '2024-01-03T10:00:00.001Z',
  ];
  for (let i = 0; i < 8; i += 1) {
    const createdDate = times[i % times.length];
    await insertInteraction(db, { origin: 'API', resourceId: `order-${i}`, resourceType: 'ORDER', uowId, createdDate });
    await insertInteraction(db, { origin: 'API', resourceId: `other-${i}`, resourceType: 'OTHER', uowId, createdDate });
  }
  // And a batch (one created_date for all) of ORDER rows, newer than the rest.
  await createBatch('ORDER', 'order-batch', 5);
  const all = await api(t.app, t.keys.read).get('/api/interactions?resourceType=ORDER&limit=100').expect(200);
  orderIds = ids(all.body.data);
  expect(orderIds).toHaveLength(13);
});
afterAll(() => t.close());

async function createBatch(resourceType: string, prefix: string, count: number): Promise<void> {
  await api(t.app, t.keys.write)
    .post('/api/interactions/batch')
    .send({ interactions: Array.from({ length: count }, (_, i) => orderBody(`${prefix}-${i}`, { resourceType })) })
    .expect(201);
}

const ids = (rows: { interactionId: string }[]) => rows.map((row) => row.interactionId);

/** A REST list answer, as the SDK types it (`pagination.nextCursor` included). */
type RestPage = InteractionPage;

/** Walks the REST list with cursors from the first page; `between` runs after each page but the last. */
async function walkRest(query: string, between?: (pageIndex: number) => Promise<void>): Promise<RestPage[]> {
  const pages: RestPage[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/interactions?${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await api(t.app, t.keys.read).get(url).expect(200);
    pages.push(response.body as RestPage);
    cursor = (response.body as RestPage).pagination.nextCursor;
    if (cursor && between) await between(pages.length);
    if (pages.length > 50) throw new Error('walk does not end');
  } while (cursor);
  return pages;
}

/** Runs a codegen-typed operation over HTTP. */
async function gql<R, V>(document: TypedDocumentNode<R, V>, variables: V) {
  const response = await api(t.app, t.keys.read).graphql(print(document), variables as Record<string, unknown>);
  return {
    data: response.body.data as R | null,
    errors: response.body.errors as { extensions: { code: string; details?: { field?: string } } }[] | undefined,
  };
}

type Connection = InteractionsConnectionWalkQuery['interactionsConnection'];

async function walkConnection(filter: Record<string, string>, first: number): Promise<Connection[]> {
  const pages: Connection[] = [];
  let after: string | null = null;
  do {
    const { data, errors } = await gql(InteractionsConnectionWalkDocument, { filter, first, after });
    expect(errors).toBeUndefined();
    const connection: Connection = data!.interactionsConnection;
    pages.push(connection);
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    if (pages.length > 50) throw new Error('walk does not end');
  } while (after);
  return pages;
}

describe('REST cursor walk', () => {
  it('returns the same rows in the same order as page/limit, each once', async () => {
    const pages = await walkRest('resourceType=ORDER&limit=3');
    expect(pages.flatMap((page) => ids(page.data))).toEqual(orderIds);
    const numbered: string[] = [];
    for (let page = 1; page <= 5; page += 1) {
      const response = await api(t.app, t.keys.read)
        .get(`/api/interactions?resourceType=ORDER&limit=3&page=${page}`)
        .expect(200);
      numbered.push(...ids(response.body.data));
    }
    expect(numbered).toEqual(orderIds);
  });

  it('numbers cursor pages as the walk goes, with the exact total, hasPrev true and nextCursor null at the end', async () => {
    const pages = await walkRest('resourceType=ORDER&limit=3');
    expect(pages.map((page) => page.pagination.page)).toEqual([1, 2, 3, 4, 5]);
    for (const [index, page] of pages.entries()) {
      expect(page.pagination).toMatchObject({
        limit: 3,
        total: 13,
        totalPages: 5,
        hasPrev: index > 0,
        hasNext: index < 4,
      });
    }
    expect(pages[3].pagination.nextCursor).toEqual(expect.any(String));
    expect(pages[4].data).toHaveLength(1);
    expect(pages[4].pagination.nextCursor).toBeNull();
  });

  it('gives nextCursor on a page/limit page: the cursor continues with the next page', async () => {
    const second = await api(t.app, t.keys.read).get('/api/interactions?resourceType=ORDER&limit=4&page=2').expect(200);
    const third = await api(t.app, t.keys.read)
      .get(`/api/interactions?resourceType=ORDER&limit=4&cursor=${second.body.pagination.nextCursor}`)
      .expect(200);
    expect(ids(third.body.data)).toEqual(orderIds.slice(8, 12));
    expect(third.body.pagination).toMatchObject({ page: 3, total: 13, hasNext: true, hasPrev: true });
  });

  it('gives nextCursor null on the last page/limit page and on a page past the end', async () => {
    const last = await api(t.app, t.keys.read).get('/api/interactions?resourceType=ORDER&limit=13').expect(200);
    expect(last.body.data).toHaveLength(13);
    expect(last.body.pagination).toMatchObject({ hasNext: false, nextCursor: null });
    const past = await api(t.app, t.keys.read).get('/api/interactions?resourceType=ORDER&limit=5&page=9').expect(200);
    expect(past.body.pagination.nextCursor).toBeNull();
  });

  it('applies the filters sent with the cursor (the cursor holds only the position)', async () => {
    const first = await api(t.app, t.keys.read).get('/api/interactions?limit=2').expect(200);
    const filtered = await api(t.app, t.keys.read)
      .get(`/api/interactions?resourceType=OTHER&limit=100&cursor=${first.body.pagination.nextCursor}`)
      .expect(200);
    expect(filtered.body.data.length).toBe(8);
    expect(
      filtered.body.data.every((row: { resourceTypeMnemonic: string }) => row.resourceTypeMnemonic === 'OTHER'),
    ).toBe(true);
  });
});

describe('ties on created_date', () => {
  beforeAll(() => createBatch('BATCHED', 'batched', 7));

  it('splits a batch (one created_date) across pages by interaction_number, each row once', async () => {
    const pages = await walkRest('resourceType=BATCHED&limit=2');
    const rows = pages.flatMap((page) => page.data);
    expect(new Set(rows.map((row) => row.createdDate)).size).toBe(1);
    expect(rows).toHaveLength(7);
    expect(new Set(ids(rows)).size).toBe(7);
    const numbers = rows.map((row) => row.interactionNumber);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(pages.map((page) => page.data.length)).toEqual([2, 2, 2, 1]);
  });

  it('splits rows of one created_date in the connection too', async () => {
    const pages = await walkConnection({ resourceType: 'BATCHED' }, 3);
    const numbers = pages.flatMap((page) => page.edges.map((edge) => edge.node.interactionNumber));
    expect(numbers).toHaveLength(7);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  });
});

describe('stability while rows arrive', () => {
  beforeAll(async () => {
    for (let i = 0; i < 6; i += 1) {
      await insertInteraction(t.database.db, {
        origin: 'API',
        resourceId: `stable-${i}`,
        resourceType: 'STABLE',
        uowId,
        createdDate: `2024-02-0${1 + (i % 3)}T00:00:00.000Z`,
      });
    }
    await createBatch('STABLE', 'stable-batch', 3);
  });

  it('returns every original row exactly once although newer rows were recorded mid-walk', async () => {
    const before = await api(t.app, t.keys.read).get('/api/interactions?resourceType=STABLE&limit=100').expect(200);
    const original = ids(before.body.data);
    expect(original).toHaveLength(9);
    const pages = await walkRest('resourceType=STABLE&limit=2', (pageIndex) =>
      createBatch('STABLE', `stable-late-${pageIndex}`, 2),
    );
    expect(pages.flatMap((page) => ids(page.data))).toEqual(original);
    // The rows did arrive: page/limit would have shifted.
    const after = await api(t.app, t.keys.read).get('/api/interactions?resourceType=STABLE&limit=1').expect(200);
    expect(after.body.pagination.total).toBe(9 + 2 * (pages.length - 1));
    expect(pages[pages.length - 1].pagination.total).toBe(after.body.pagination.total);
  });
});

describe('GraphQL connection', () => {
  it('walks the same rows as REST page/limit, with Relay page info', async () => {
    const pages = await walkConnection({ resourceType: 'ORDER' }, 4);
    expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.id))).toEqual(orderIds);
    expect(pages.map((page) => page.edges.length)).toEqual([4, 4, 4, 1]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, true, false]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true, true]);
    for (const page of pages) {
      expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
    }
    expect(pages[0].edges[0].node.action.mnemonic).toBe('CREATE');
  });

  it('continues after any edge cursor', async () => {
    const { data } = await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'ORDER' }, first: 5 });
    const after = data!.interactionsConnection.edges[1].cursor;
    const next = await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'ORDER' }, first: 3, after });
    expect(next.data!.interactionsConnection.edges.map((edge) => edge.node.id)).toEqual(orderIds.slice(2, 5));
  });

  it('answers an empty connection after the last row', async () => {
    const pages = await walkConnection({ resourceType: 'ORDER' }, 13);
    expect(pages).toHaveLength(1);
    const { data } = await gql(InteractionsConnectionWalkDocument, {
      filter: { resourceType: 'ORDER' },
      after: pages[0].pageInfo.endCursor,
    });
    expect(data!.interactionsConnection.edges).toEqual([]);
    expect(data!.interactionsConnection.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });

  it('takes cursors from REST and gives cursors REST takes', async () => {
    const rest = await api(t.app, t.keys.read).get('/api/interactions?resourceType=ORDER&limit=3').expect(200);
    const fromRest = await gql(InteractionsConnectionWalkDocument, {
      filter: { resourceType: 'ORDER' },
      first: 3,
      after: rest.body.pagination.nextCursor,
    });
    expect(fromRest.data!.interactionsConnection.edges.map((edge) => edge.node.id)).toEqual(orderIds.slice(3, 6));
    const endCursor = fromRest.data!.interactionsConnection.pageInfo.endCursor;
    const toRest = await api(t.app, t.keys.read)
      .get(`/api/interactions?resourceType=ORDER&limit=3&cursor=${endCursor}`)
      .expect(200);
    expect(ids(toRest.body.data)).toEqual(orderIds.slice(6, 9));
    expect(toRest.body.pagination.page).toBe(3);
  });

  it('defaults first to 50 and takes more than 100 as 100', async () => {
    await createBatch('MANY', 'many', 120);
    const byDefault = await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'MANY' } });
    expect(byDefault.data!.interactionsConnection.edges).toHaveLength(50);
    const clamped = await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'MANY' }, first: 500 });
    expect(clamped.data!.interactionsConnection.edges).toHaveLength(100);
    expect(clamped.data!.interactionsConnection.pageInfo.hasNextPage).toBe(true);
  });

  // GraphQL reports VALIDATION_ERROR as extensions.code BAD_USER_INPUT (src/errors/app-error.ts).
  it.each([0, -1])('refuses first = %i with BAD_USER_INPUT (VALIDATION_ERROR)', async (first) => {
    const { data, errors } = await gql(InteractionsConnectionWalkDocument, {
      filter: { resourceType: 'ORDER' },
      first,
    });
    expect(data).toBeNull();
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'first' } });
  });

  it('refuses a malformed after with BAD_USER_INPUT naming after', async () => {
    const { data, errors } = await gql(InteractionsConnectionWalkDocument, { first: 2, after: 'not-a-cursor' });
    expect(data).toBeNull();
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
  });

  it('counts only when totalCount is selected', async () => {
    await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'ORDER' }, first: 2 }); // warm-up (key last-used write)
    const counts = () => t.queries.filter((sql) => /count\(\*\)/i.test(sql));
    t.queries.length = 0;
    const walk = await gql(InteractionsConnectionWalkDocument, { filter: { resourceType: 'ORDER' }, first: 2 });
    expect(walk.errors).toBeUndefined();
    expect(t.queries.length).toBeGreaterThan(0);
    expect(counts()).toEqual([]);
    t.queries.length = 0;
    const counted = await gql(InteractionsConnectionCountDocument, { filter: { resourceType: 'ORDER' }, first: 2 });
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.interactionsConnection.totalCount).toBe(13);
    expect(counts()).toHaveLength(1);
  });
});

describe('refused cursors', () => {
  const b64 = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const valid = { d: '2024-01-02T10:00:00.000Z', n: 5, p: 1 };

  it('refuses cursor together with page', async () => {
    const first = await api(t.app, t.keys.read).get('/api/interactions?limit=2').expect(200);
    const response = await api(t.app, t.keys.read).get(
      `/api/interactions?limit=2&page=2&cursor=${first.body.pagination.nextCursor}`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'cursor' } });
  });

  it('takes a well-formed cursor built by hand (it is a position, not a secret)', async () => {
    const response = await api(t.app, t.keys.read)
      .get(`/api/interactions?resourceType=ORDER&limit=100&cursor=${b64(valid)}`)
      .expect(200);
    expect(response.body.pagination.page).toBe(2);
    expect(response.body.data.every((row: { createdDate: string }) => row.createdDate <= valid.d)).toBe(true);
  });

  it.each([
    ['garbage', '%%%not*base64'],
    ['empty', ''],
    ['base64 of text', b64('hello')],
    ['base64 of wrong JSON', b64({ a: 1 })],
    ['a JSON array', b64([valid.d, valid.n, valid.p])],
    ['a JSON null', b64('null')],
    ['an extra key', b64({ ...valid, x: 1 })],
    ['a date as a number', b64({ ...valid, d: 1704189600000 })],
    ['a date without milliseconds', b64({ ...valid, d: '2024-01-02T10:00:00Z' })],
    ['an impossible date', b64({ ...valid, d: '2024-02-30T10:00:00.000Z' })],
    ['a number as a string', b64({ ...valid, n: '5' })],
    ['a fractional number', b64({ ...valid, n: 5.5 })],
    ['a number above 2^53', b64({ ...valid, n: 2 ** 60 })],
    ['page 0', b64({ ...valid, p: 0 })],
    ['a page beyond Int', b64({ ...valid, p: 2 ** 31 })],
    ['a huge cursor', 'A'.repeat(10_000)],
  ])('refuses %s with 400 VALIDATION_ERROR naming cursor', async (_label, cursor) => {
    const response = await api(t.app, t.keys.read).get(
      `/api/interactions?limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'cursor' } });
  });

  it('refuses a cursor given twice', async () => {
    const response = await api(t.app, t.keys.read).get(`/api/interactions?cursor=${b64(valid)}&cursor=${b64(valid)}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'cursor' } });
  });
});
