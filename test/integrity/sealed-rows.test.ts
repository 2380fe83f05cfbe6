/**
 * The sealer's fast path (src/integrity/sealed-rows.ts, ADR 107): PostgreSQL writes each row's field texts and Node
 * only parses the JSON fields, hashes and hints. Every leaf hash and field hint it makes must be the reference path's
 * (canonical.ts over the driver's rows), byte for byte, for rows with awkward content: unicode, escapes, numbers that
 * JavaScript writes differently from `jsonb`, nested keys in every order, nulls of both kinds, timestamps at
 * millisecond and calendar edges. Rows the SQL cannot write as the reference does send the whole range the reference
 * way, and the checkpoint's root is still the reference root.
 */
import { FEED_ORDER_SETTING, readFinalEventsWith } from '../../src/feed/feed.read';
import { FEED_START } from '../../src/feed/feed.position';
import { rowDigest } from '../../src/integrity/canonical';
import { readCheckpoints, sealAll } from '../../src/integrity/checkpoint';
import { merkleRoot, merkleRootOfPacked, leafHash } from '../../src/integrity/merkle';
import { leafRows } from '../../src/integrity/leaf-blocks';
import { digestEvents, digestRowTexts, readSealRowsWith } from '../../src/integrity/sealed-rows';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { verifyLog } from '../../src/integrity/verify';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertInteraction } from '../helpers/factories';

let test: TestDatabase;
const key = generateSigningKey();

/** `jsonb` texts as a client could send them (inserted as text, so numbers keep their written form). */
const JSON_TEXTS = [
  '{"step": 3, "amount": 123.40, "note": "generated"}',
  '{"z": {"b": 1, "aa": 2, "a": {"ä": 1, "A": 2}}, "a": [{"y": null, "x": true}, [], {}], "": 0}',
  '{"\\u20ac": 1, "\\r": 2, "\\ufb33": 3, "1": 4, "\\ud83d\\ude00": 5, "\\u0080": 6, "\\u00f6": 7}',
  '[1.10, 1e30, 1E-7, -0, 0.1, 4.50, 1e21, 1e-6, 0.000001, 123456789012345678901234567890, 9007199254740993]',
  '{"big": -1.5e+308, "tiny": 5e-324, "exp": 2.5E+3, "int": 100000000000000000000, "neg": -0.0}',
  '"just a string: \\u0001 \\u001f \\n \\t \\" \\\\ \\u007f \\u2028 \\u2029 😀 é"',
  '{"s": "tab\\tquote\\"back\\\\slash\\/ctrl\\u0000x"}'.replace('\\u0000', '\\u0002'),
  'null',
  'true',
  '0',
  '[]',
  '{}',
];

const STRINGS = [
  'order-1',
  'quote " back \\ slash / tab \t nl \n cr \r bs \b ff \f ctrl \u0001 \u001f del \u007f',
  'unicode é 中文 😀 \u2028 \u2029 \ufeff',
  '',
];

const TIMES = [
  '2026-12-06T10:11:12.000Z',
  '2026-12-06T10:11:12.999Z',
  '2026-12-06T10:11:12.001Z',
  '2026-12-06T10:11:12.300Z',
  '2026-12-06T10:11:12.340Z',
  '2026-12-06T10:11:12.010Z',
  '2026-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00.000Z',
  '1970-01-01T00:00:00.000Z',
  '1969-12-31T23:59:59.999Z',
  '1000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
];

beforeAll(async () => {
  test = await createTestDatabase();
  let i = 0;
  for (const json of JSON_TEXTS) {
    for (const text of [STRINGS[i % STRINGS.length], STRINGS[(i + 1) % STRINGS.length]]) {
      const time = TIMES[i % TIMES.length];
      const row = await insertInteraction(test.db, {
        resourceId: text || 'r',
        externalReference: i % 3 === 0 ? null : text,
        userId: i % 4 === 0 ? null : text,
        createdDate: TIMES[(i + 3) % TIMES.length],
        interactionTimestamp: i % 5 === 0 ? null : time,
      });
      // The JSON as text, so that `jsonb` keeps what a client wrote (1.10, 1e30, keys in any order).
      await test.db.sql.query(
        `UPDATE interactions SET interaction = $1::jsonb, external_response = $2::jsonb WHERE id = $3`,
        [json, i % 2 === 0 ? null : JSON_TEXTS[(i + 5) % JSON_TEXTS.length], row.id],
      );
      i += 1;
    }
  }
  // A JSON null (not SQL NULL) in both fields.
  const row = await insertInteraction(test.db, { resourceId: 'json-null' });
  await test.db.sql.query(
    `UPDATE interactions SET interaction = 'null'::jsonb, external_response = 'null'::jsonb WHERE id = $1`,
    [row.id],
  );
});
afterAll(() => test.close());

/** Both paths over the rows after `after` (at most `limit`), in one transaction. */
async function bothPaths(limit = 1000) {
  const read = () =>
    test.db.transaction(async (tx) => {
      await tx.exec(FEED_ORDER_SETTING);
      const texts = await readSealRowsWith(tx, FEED_START, limit);
      const events = await readFinalEventsWith(tx, FEED_START, limit);
      return { fast: await digestRowTexts(texts), events };
    });
  // A row is final (sealable) once no older transaction is open anywhere on the server: test files running beside
  // this one, on other databases of the same PostgreSQL, may hold one for a moment.
  const [{ rows }] = await test.db.sql.query<{ rows: number }>('SELECT count(*)::int AS rows FROM interactions');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await read();
    if (result.events.length >= Math.min(rows, limit) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('makes every leaf hash and field hint the reference path makes, byte for byte', async () => {
  const { fast, events } = await bothPaths();
  expect(fast).not.toBeNull();
  expect(events.length).toBe(JSON_TEXTS.length * 2 + 1);
  expect(fast!.rowCount).toBe(events.length);
  events.forEach((event, i) => {
    const reference = rowDigest(event.record);
    const leaf = leafRows(fast!.block)[i];
    expect(leaf.leafHash.toString('hex')).toBe(reference.leaf.toString('hex'));
    expect(leaf.fieldHints.toString('hex')).toBe(reference.hints.toString('hex'));
    expect(leaf.interactionId).toBe(event.record.id);
    expect(leaf.interactionNumber).toBe(String(event.record.interactionNumber));
    expect(leaf.createdDate.toISOString()).toBe(event.record.createdDate.toISOString());
  });
  // The block the reference path writes (a range it reads again) is the same, byte for byte.
  const reference = (await digestEvents(events)).block;
  for (const column of ['ids', 'numbers', 'createdDates', 'leafHashes', 'fieldHints'] as const) {
    expect(fast!.block[column].toString('hex')).toBe(reference[column].toString('hex'));
  }
  expect(fast!.cursor).toBe(events[events.length - 1].cursor);
  expect(fast!.through).toEqual(events[events.length - 1].position);
});

it('builds the reference root from packed leaf hashes, for every tree shape up to 70 leaves', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
  for (let n = 0; n <= leaves.length; n += 1) {
    expect(merkleRootOfPacked(Buffer.concat(leaves.slice(0, n))).toString('hex')).toBe(
      merkleRoot(leaves.slice(0, n)).toString('hex'),
    );
  }
});

it('reads a range holding a row it cannot write the reference way, and seals the reference root', async () => {
  // Years outside 1000–9999 and numbers beyond 2^53 are left to the reference path.
  const odd = await insertInteraction(test.db, { resourceId: 'odd', interactionTimestamp: '0999-12-31T23:59:59.999Z' });
  const late = await insertInteraction(test.db, { resourceId: 'late', interactionTimestamp: '2026-12-06T10:11:12Z' });
  await test.db.sql.query(`UPDATE interactions SET interaction_timestamp = '10000-01-01T00:00:00.000Z' WHERE id = $1`, [
    late.id,
  ]);
  expect(odd.id).toBeDefined();
  const { fast, events } = await bothPaths();
  expect(fast).toBeNull();

  const checkpoints = await sealAll(test.db, key, { maxRows: 1000 });
  expect(checkpoints.map((checkpoint) => checkpoint.rowCount)).toEqual([events.length]);
  expect(checkpoints[0].merkleRoot).toBe(
    merkleRoot(events.map((event) => rowDigest(event.record).leaf)).toString('hex'),
  );
  expect((await verifyLog(test.db.sql, { key })).problems).toEqual([]);
});

it('seals ranges on the fast path that verify clean, and a sealed row altered is named with its field', async () => {
  for (let i = 0; i < 30; i += 1) {
    const row = await insertInteraction(test.db, { resourceId: `more-${i}`, userId: i % 2 ? 'u' : null });
    await test.db.sql.query(`UPDATE interactions SET interaction = $1::jsonb WHERE id = $2`, [
      JSON_TEXTS[i % JSON_TEXTS.length],
      row.id,
    ]);
  }
  await bothPaths(); // returns once every row is final, so sealAll sees them all
  const checkpoints = await sealAll(test.db, key, { maxRows: 7 });
  expect(checkpoints.map((checkpoint) => checkpoint.rowCount)).toEqual([7, 7, 7, 7, 2]);
  expect((await readCheckpoints(test.db.sql)).length).toBe(6);
  expect((await verifyLog(test.db.sql, { key })).problems).toEqual([]);

  await test.db.sql.query(`UPDATE interactions SET interaction = '{"amount": 123.4}' WHERE resource_id = 'more-3'`);
  const report = await verifyLog(test.db.sql, { key });
  expect(report.problems.map((problem) => [problem.kind, problem.fields])).toEqual([['row-altered', ['interaction']]]);
});
