import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as archive from '../../src/retention/archive';
import { ensurePartitions, listPartitions } from '../../src/partitions/partition.service';
import { runRetention, type RetentionPolicy } from '../../src/retention/retention.service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createLookupRow, insertInteraction } from '../helpers/factories';

// Retention drops a partition only after its archive is whole: written, re-read and checked, and the partition still
// holding exactly what was archived. Each way that can fail must leave the partition (and its rows) in place.

const NOW = new Date('2020-03-15T12:00:00Z');
const JAN = 'interactions_p20200101';

let test: TestDatabase;
let resourceTypeId: string;
let scratch: string;
const policy = (archiveDir: string): RetentionPolicy => ({ retentionDays: 30, interval: 'month', archiveDir });
const janRows = async () => Number((await test.db.sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${JAN}`))[0].n);
const janExists = async () => (await listPartitions(test.db.sql)).some((p) => p.name === JAN);
const droppedRanges = async () =>
  Number((await test.db.sql.query<{ n: number }>('SELECT count(*) AS n FROM retention_dropped_ranges'))[0].n);

beforeAll(async () => {
  test = await createTestDatabase();
  resourceTypeId = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'ARCH' })).id;
  for (const day of [5, 10, 31]) {
    await insertInteraction(test.db, { resourceTypeId, createdDate: new Date(Date.UTC(2020, 0, day, 8)) });
  }
  await insertInteraction(test.db, { resourceTypeId, createdDate: '2020-02-20T00:00:00Z' });
  await ensurePartitions(test.db, { interval: 'month', now: NOW });
  scratch = mkdtempSync(path.join(tmpdir(), 'interactions-archive-failure-'));
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await test.close();
});

describe('no archive, no drop', () => {
  it('ARCHIVE_DIR beneath a file (the directory cannot be made): the run fails, the partition stays', async () => {
    const file = path.join(scratch, 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(runRetention(test.db, { policy: policy(path.join(file, 'archives')), now: NOW })).rejects.toThrow(
      /ENOTDIR|EEXIST/,
    );
    expect(await janExists()).toBe(true);
    expect(await janRows()).toBe(3);
    expect(await droppedRanges()).toBe(0);
  });

  it('a directory in the way of the archive file: the run fails, the partition stays, no temporary file is left', async () => {
    const dir = path.join(scratch, 'blocked');
    mkdirSync(path.join(dir, 'interactions-2020-01.ndjson.gz'), { recursive: true });
    await expect(runRetention(test.db, { policy: policy(dir), now: NOW })).rejects.toThrow();
    expect(await janExists()).toBe(true);
    expect(await janRows()).toBe(3);
    expect(readdirSync(dir)).toEqual(['interactions-2020-01.ndjson.gz']);
  });

  it('the archive read back differs from what was written (a bad disk): VALIDATION_ERROR, the partition stays', async () => {
    const dir = path.join(scratch, 'bad-disk');
    const realRead = fs.createReadStream;
    // Reads of the written archive return its bytes with one flipped, as a failing disk would.
    jest.spyOn(fs, 'createReadStream').mockImplementation(((file: fs.PathLike, options?: never) => {
      if (!String(file).endsWith('.ndjson.gz')) return realRead(file, options);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      return Readable.from([bytes]);
    }) as unknown as typeof fs.createReadStream);
    await expect(runRetention(test.db, { policy: policy(dir), now: NOW })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(await janExists()).toBe(true);
    expect(await janRows()).toBe(3);
    expect(await droppedRanges()).toBe(0);
  });

  it('a row written into the partition after it was archived: CONFLICT, the partition stays; the next run archives it again and drops it', async () => {
    const dir = path.join(scratch, 'changed');
    const realWrite = archive.writeArchive;
    // A late row lands between the archive and the drop (clock skew, an import, a 0.1 writer).
    jest.spyOn(archive, 'writeArchive').mockImplementationOnce(async (sql, options) => {
      const manifest = await realWrite(sql, options);
      await insertInteraction(test.db, { resourceTypeId, createdDate: '2020-01-20T00:00:00Z', resourceId: 'late' });
      return manifest;
    });
    await expect(runRetention(test.db, { policy: policy(dir), now: NOW })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await janExists()).toBe(true);
    expect(await janRows()).toBe(4);
    expect(await droppedRanges()).toBe(0);

    const run = await runRetention(test.db, { policy: policy(dir), now: NOW });
    expect(run.dropped.map((d) => [d.name, d.rows, d.archive?.rowCount])).toEqual([[JAN, 4, 4]]);
    expect(await janExists()).toBe(false);
    expect(existsSync(path.join(dir, 'interactions-2020-01.ndjson.gz'))).toBe(true);
  });
});
