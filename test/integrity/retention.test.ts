/**
 * Verification across a retention drop: a sealed partition archived and dropped still verifies clean, each of its
 * rows re-hashed from the archive file; an archive row edited afterwards is named like a row edited in the database;
 * without the archive directory the verifier says it cannot check those rows instead of passing them. The same from
 * files alone: the checkpoints with their leaves and an export in feed order verify clean with the archive directory
 * beside them, and one archive checks on its own against the checkpoints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { exportText } from '../../src/interactions/interaction.export';
import { sealBundleText } from '../../src/integrity/bundle';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { verifyLog } from '../../src/integrity/verify';
import { verifyArchiveFile, verifyExportFile } from '../../src/integrity/verify-files';
import { ensurePartitions } from '../../src/partitions/partition.service';
import { runRetention } from '../../src/retention/retention.service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertInteraction, type InsertedInteraction } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';

const NOW = new Date('2020-03-15T12:00:00Z');
const key = generateSigningKey();
let test: TestDatabase;
let dir: string;
const january: InsertedInteraction[] = [];

beforeAll(async () => {
  test = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'integrity-retention-'));
  await ensurePartitions(test.db, { interval: 'month', now: NOW });
  for (const day of [5, 10, 31]) {
    january.push(
      await insertInteraction(test.db, { interaction: { day }, createdDate: new Date(Date.UTC(2020, 0, day, 8)) }),
    );
  }
  for (const day of [2, 20]) {
    await insertInteraction(test.db, { interaction: { day }, createdDate: new Date(Date.UTC(2020, 1, day, 8)) });
  }
  expect((await sealEverything(test.db, key, 100)).map((c) => c.rowCount)).toEqual([5]);
  const run = await runRetention(test.db, {
    policy: { retentionDays: 30, interval: 'month', archiveDir: dir },
    now: NOW,
  });
  expect(run.dropped.map((drop) => [drop.name, drop.rows])).toEqual([['interactions_p20200101', 3]]);
});
afterAll(async () => {
  await test.close();
  rmSync(dir, { recursive: true, force: true });
});

it('verifies clean across the drop, the dropped rows re-hashed from their archive', async () => {
  const report = await verifyLog(test.db.sql, { key, archiveDir: dir });
  expect(report).toMatchObject({ ok: true, checkpoints: 1, rows: 2, archivedRows: 3, problems: [] });
});

it('names a row edited in the archive file', async () => {
  const file = path.join(dir, 'interactions-2020-01.ndjson.gz');
  const original = readFileSync(file);
  const lines = gunzipSync(original).toString('utf8').split('\n');
  const edited = lines.map((line) =>
    line.includes(january[1].id) ? JSON.stringify({ ...JSON.parse(line), interaction: { day: 99 } }) : line,
  );
  writeFileSync(file, gzipSync(edited.join('\n')));
  try {
    const report = await verifyLog(test.db.sql, { key, archiveDir: dir });
    expect(report.problems.map((p) => [p.kind, p.interactionId, p.fields])).toEqual([
      ['row-altered', january[1].id, ['interaction']],
    ]);
  } finally {
    writeFileSync(file, original);
  }
});

it('without the archive directory, says the dropped rows cannot be checked', async () => {
  const report = await verifyLog(test.db.sql, { key });
  expect(report.ok).toBe(false);
  expect(report.problems.map((p) => [p.kind, p.interactionId])).toEqual(
    january.map((row) => ['archive-unreadable', row.id]),
  );
});

async function saveText(file: string, source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += chunk;
  writeFileSync(file, text);
  return file;
}

describe('from files alone', () => {
  let bundle: string;
  let exported: string;
  const archive = () => path.join(dir, 'interactions-2020-01.ndjson.gz');
  beforeAll(async () => {
    const files = mkdtempSync(path.join(tmpdir(), 'integrity-retention-files-'));
    bundle = await saveText(path.join(files, 'checkpoints.ndjson'), sealBundleText(test.db.sql, {}));
    exported = await saveText(
      path.join(files, 'export.ndjson'),
      exportText(test.db, { format: 'ndjson', order: 'feed' }),
    );
  });

  it('an export after the drop verifies clean with the archive directory, each dropped row from its archive', async () => {
    const report = await verifyExportFile({ key, bundle, exportFile: exported, archiveDir: dir });
    expect(report).toMatchObject({ ok: true, checkpoints: 1, rows: 2, archivedRows: 3, problems: [] });
  });

  it('without the archive directory, the dropped rows are missing from the export', async () => {
    const report = await verifyExportFile({ key, bundle, exportFile: exported });
    expect(report.problems.map((p) => [p.kind, p.interactionId])).toEqual(
      january.map((row) => ['row-missing', row.id]),
    );
  });

  it('`interactions-verify --archive` checks one archive with the public key alone', async () => {
    const publicKey = path.join(dir, 'key.pub');
    writeFileSync(publicKey, key.publicKeyPem);
    const bin = path.resolve(__dirname, '../../bin/interactions-verify.js');
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [bin, '--public-key', publicKey, ...args], (error, stdout) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
        );
      });
    expect(await run('--checkpoints', bundle, '--archive', archive())).toEqual({
      code: 0,
      stdout: 'OK: checkpoints #1–#1, 3 rows from the archive, every signature, link and row as sealed\n',
    });
    expect(await run('--checkpoints', bundle, '--export', exported, '--archive-dir', dir)).toEqual({
      code: 0,
      stdout:
        'OK: checkpoints #1–#1, 2 rows from the export, 3 from archives, every signature, link and row as sealed\n',
    });
  });

  it('one archive checks on its own: clean, then a row edited and a row removed in the file', async () => {
    expect(await verifyArchiveFile({ key, bundle, archiveFile: archive() })).toMatchObject({
      ok: true,
      archivedRows: 3,
      problems: [],
    });
    const original = readFileSync(archive());
    const lines = gunzipSync(original).toString('utf8').trim().split('\n');
    // Row 0 edited, row 2 removed, and row 1 edited in a copy written before the untouched original.
    const edited = lines
      .filter((line) => !line.includes(january[2].id))
      .flatMap((line) =>
        line.includes(january[0].id)
          ? [JSON.stringify({ ...JSON.parse(line), resourceId: 'elsewhere' })]
          : line.includes(january[1].id)
            ? [JSON.stringify({ ...JSON.parse(line), userId: 'someone' }), line]
            : [line],
      );
    writeFileSync(archive(), gzipSync(`${edited.join('\n')}\n`));
    try {
      const report = await verifyArchiveFile({ key, bundle, archiveFile: archive() });
      expect(report.problems.map((p) => [p.kind, p.interactionId, p.fields])).toEqual([
        ['row-altered', january[0].id, ['resourceId']],
        ['row-altered', january[1].id, ['userId']],
        ['row-inserted', january[1].id, []],
        ['row-missing', january[2].id, []],
      ]);
    } finally {
      writeFileSync(archive(), original);
    }
  });
});
