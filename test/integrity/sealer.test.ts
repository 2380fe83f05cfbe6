/**
 * The background sealer (what main.ts starts): it seals everything waiting, checkpoint by checkpoint; with a small
 * CPU share it pauses after each checkpoint of a backlog (here far longer than the test waits), and stop() cuts the
 * pause short instead of waiting it out.
 */
import { readCheckpoints } from '../../src/integrity/checkpoint';
import { startSealer } from '../../src/integrity/sealer';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertInteraction } from '../helpers/factories';

let test: TestDatabase;
const key = generateSigningKey();
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  test = await createTestDatabase();
  for (let i = 0; i < 250; i += 1) await insertInteraction(test.db, { interaction: { i } });
});
afterAll(() => test.close());

async function waitFor(condition: () => Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('with a tiny CPU share, seals one checkpoint of a backlog, pauses, and stops at once when asked', async () => {
  const sealed: number[] = [];
  const sealer = startSealer(test.db, key, {
    intervalSeconds: 1,
    maxRows: 100,
    cpuShare: 0.0001,
    log,
    onSealed: (checkpoint) => sealed.push(checkpoint.rowCount),
  });
  await waitFor(async () => sealed.length > 0);
  // The pause after it is 9,999 times what sealing took: nothing more in the next second.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(sealed).toEqual([100]);
  await sealer.stop();
  expect((await readCheckpoints(test.db.sql)).map((c) => c.rowCount)).toEqual([100]);
});

it('with the whole share, seals the rest of the backlog in one look', async () => {
  const sealed: number[] = [];
  const sealer = startSealer(test.db, key, {
    intervalSeconds: 1,
    maxRows: 100,
    cpuShare: 1,
    log,
    onSealed: (checkpoint) => sealed.push(checkpoint.rowCount),
  });
  try {
    await waitFor(async () => sealed.reduce((a, b) => a + b, 0) === 150);
    expect(sealed).toEqual([100, 50]);
  } finally {
    await sealer.stop();
  }
});
