/**
 * More than nine checkpoints: numbers order as numbers (seq is read as text, and "10" sorts before "9" as text: the
 * bench at 100,000 rows found a second checkpoint #10 made that way). Sealing continues from the latest, pages list
 * newest first, and the chain verifies.
 */
import {
  readCheckpointPage,
  readCheckpoints,
  readLatestCheckpoint,
  sealNextCheckpoint,
} from '../../src/integrity/checkpoint';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { verifyLog } from '../../src/integrity/verify';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertInteraction } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';

let test: TestDatabase;
const key = generateSigningKey();

beforeAll(async () => {
  test = await createTestDatabase();
  for (let i = 0; i < 25; i += 1) await insertInteraction(test.db, { interaction: { i } });
});
afterAll(() => test.close());

it('seals 13 checkpoints of 2 rows (and one of 1) in number order, and they verify', async () => {
  const sealed = await sealEverything(test.db, key, 2);
  expect(sealed.map((checkpoint) => checkpoint.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  expect((await readLatestCheckpoint(test.db.sql))?.seq).toBe(13);
  expect((await readCheckpoints(test.db.sql)).map((checkpoint) => checkpoint.seq)).toEqual(
    Array.from({ length: 13 }, (_, i) => i + 1),
  );
  expect((await readCheckpointPage(test.db, 5, null)).map((checkpoint) => checkpoint.seq)).toEqual([13, 12, 11, 10, 9]);
  expect((await readCheckpointPage(test.db, 5, 10)).map((checkpoint) => checkpoint.seq)).toEqual([9, 8, 7, 6, 5]);
  await insertInteraction(test.db, { interaction: { late: true } });
  await sealEverything(test.db, key, 2);
  expect((await readLatestCheckpoint(test.db.sql))?.seq).toBe(14);
  expect(await sealNextCheckpoint(test.db, key, { maxRows: 2 })).toBeNull();
  expect(await verifyLog(test.db.sql, { key })).toMatchObject({ ok: true, checkpoints: 14, rows: 26 });
});
