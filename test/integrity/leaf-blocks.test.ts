import { v7 as uuidv7 } from 'uuid';
import { migrate, readMigrations } from '../../src/db/migrator';
import {
  int64At,
  leafIndexOf,
  leafRows,
  readLeafBlock,
  uuidAt,
  writeInt64,
  writeUuid,
} from '../../src/integrity/leaf-blocks';
import { createEmptyDatabase, type TestDatabase } from '../helpers/database';

// The leaves of a checkpoint as one row of byte strings (ADR 109): the encodings, and the migration that moved the
// leaves sealed before into blocks.

describe('the encodings', () => {
  it('writes 64-bit integers as PostgreSQL int8send does, and reads them back, across the safe range', () => {
    const values = [0, 1, -1, 255, 256, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 + 7, -(2 ** 40), 1781423505155];
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
    const buffer = Buffer.alloc(8);
    for (const value of values) {
      writeInt64(buffer, 0, value);
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(value));
      expect([value, buffer.toString('hex')]).toEqual([value, expected.toString('hex')]);
      expect(int64At(buffer, 0)).toBe(value);
    }
  });

  it('writes a UUID as its 16 bytes in either case, reads it back in lower case, and refuses what is not one', () => {
    const id = '019EC51D-7F02-7566-8788-39B7CDC10769';
    const buffer = Buffer.alloc(32);
    writeUuid(buffer, 16, id);
    expect(buffer.subarray(16).toString('hex')).toBe('019ec51d7f027566878839b7cdc10769');
    expect(uuidAt(buffer, 1)).toBe(id.toLowerCase());
    expect(() => writeUuid(buffer, 0, '019ec51d-7f02-7566-8788-39b7cdc1076')).toThrow(/not a UUID/);
    expect(() => writeUuid(buffer, 0, '019ec51d-7f02-7566-8788-39b7cdc1076g')).toThrow(/not a UUID/);
  });

  it('finds an id only at a whole 16-byte slot, never across two ids', () => {
    const ids = Buffer.alloc(48);
    writeUuid(ids, 0, '00000000-0000-0000-1111-111111111111');
    writeUuid(ids, 16, '11111111-1111-1111-2222-222222222222');
    writeUuid(ids, 32, '11111111-1111-1111-1111-111111111111');
    // The bytes of the third id also start at byte 8, across the first two: that is not a leaf.
    const third = Buffer.alloc(16);
    writeUuid(third, 0, '11111111-1111-1111-1111-111111111111');
    expect(ids.indexOf(third)).toBe(8);
    expect(leafIndexOf(ids, third)).toBe(2);
    const absent = Buffer.alloc(16, 0xab);
    expect(leafIndexOf(ids, absent)).toBe(-1);
  });

  it('reads a block whose strings disagree in length as the leaves they all have room for', () => {
    const block = {
      ids: Buffer.alloc(16 * 3),
      numbers: Buffer.alloc(8 * 3),
      createdDates: Buffer.alloc(8 * 2),
      leafHashes: Buffer.alloc(32 * 3 + 5),
      fieldHints: Buffer.alloc(26 * 3),
    };
    expect(leafRows(block)).toHaveLength(2);
  });
});

describe('the migration from a row per leaf', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createEmptyDatabase();
  });
  afterAll(() => test.close());

  it('moves every sealed leaf into its checkpoint block, in leaf order, byte for byte', async () => {
    const files = readMigrations();
    const at = files.findIndex((file) => file.name.endsWith('_integrity_leaf_blocks'));
    expect(at).toBeGreaterThan(0);
    await migrate(test.db, files.slice(0, at));
    const leaves = [1, 2].flatMap((seq) =>
      [0, 1, 2].map((index) => ({
        seq,
        index,
        id: uuidv7(),
        number: seq * 1000 + index - 1500,
        created: new Date(Date.UTC(2026, 11, seq, 10, index, 0, 123 + index)),
        hash: Buffer.alloc(32, seq * 16 + index),
        hints: Buffer.alloc(26, 0xf0 + index),
      })),
    );
    // Written out of order: the block must follow leaf_index, not insertion order.
    for (const leaf of [...leaves].reverse()) {
      await test.db.sql.query(
        `INSERT INTO integrity_leaves (checkpoint_seq, leaf_index, interaction_id, interaction_number, created_date,
           leaf_hash, field_hints) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [leaf.seq, leaf.index, leaf.id, leaf.number, leaf.created.toISOString(), leaf.hash, leaf.hints],
      );
    }
    await migrate(test.db, files);
    for (const seq of [1, 2]) {
      const block = await readLeafBlock(test.db.sql, seq);
      expect(block).not.toBeNull();
      const rows = leafRows(block!).map((row) => ({
        index: row.leafIndex,
        id: row.interactionId,
        number: Number(row.interactionNumber),
        created: row.createdDate.toISOString(),
        hash: row.leafHash.toString('hex'),
        hints: row.fieldHints.toString('hex'),
      }));
      expect(rows).toEqual(
        leaves
          .filter((leaf) => leaf.seq === seq)
          .map((leaf) => ({
            index: leaf.index,
            id: leaf.id,
            number: leaf.number,
            created: leaf.created.toISOString(),
            hash: leaf.hash.toString('hex'),
            hints: leaf.hints.toString('hex'),
          })),
      );
    }
    expect(await readLeafBlock(test.db.sql, 3)).toBeNull();
    const [{ table }] = await test.db.sql.query<{ table: string | null }>(
      `SELECT to_regclass('integrity_leaves')::text AS "table"`,
    );
    expect(table).toBeNull();
  });
});
