/**
 * Checkpoints past #9: their seq is read as text, and the order must still be numeric. Sorted as text, the sealer read
 * #9 as the latest after #10 and failed on a second #10, and pages came out as 1, 10, 11, 2….
 */
import { readCheckpointPage, readCheckpoints, readLatestCheckpoint } from '../../src/integrity/checkpoint';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';

let t: TestApp;
const key = generateSigningKey();

beforeAll(async () => {
  t = await createTestApp({}, { integrityKey: key });
  await createOrderResourceType(t);
  for (let i = 0; i < 12; i += 1) {
    await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send(orderBody(`order-${i}`))
      .expect(201);
  }
});
afterAll(() => t.close());

it('seals twelve checkpoints of one row each, and reads them in numeric order', async () => {
  const sealed = await sealEverything(t.database.db, key, 1);
  const twelve = Array.from({ length: 12 }, (_, i) => i + 1);
  expect(sealed.map((c) => c.seq)).toEqual(twelve);
  expect((await readLatestCheckpoint(t.database.db.sql))?.seq).toBe(12);
  expect((await readCheckpoints(t.database.db.sql)).map((c) => c.seq)).toEqual(twelve);
  expect((await readCheckpointPage(t.database.db, 4, 11)).map((c) => c.seq)).toEqual([10, 9, 8, 7]);
  const clean = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
  expect(clean.body).toMatchObject({ ok: true, checkpoints: 12, rows: 12 });
});
