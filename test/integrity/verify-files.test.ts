/**
 * The offline verifier on files alone, as an auditor runs it: the checkpoints with their leaves
 * (`GET /api/integrity/checkpoints/export`) and an export in feed order (`GET /api/interactions/export?order=feed`),
 * both downloaded over HTTP with a read key, then `bin/interactions-verify.js --export` as a child process with no
 * database. Exit 0 on an untouched log; exit 1 naming each of the seven edits made in the database before the
 * download; exit 3 naming the file and line of a file that is not what it should be; exit 2 on usage errors.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { hasHeldBackRows } from '../../src/feed/feed.read';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/integrity/signing-key';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction } from '../helpers/factories';
import {
  TAMPER_NAMES,
  findings,
  restoreLog,
  sealEverything,
  snapshotLog,
  tampers,
  type SealedRow,
} from '../helpers/integrity';

jest.setTimeout(120_000);

const BIN = path.resolve(__dirname, '../../bin/interactions-verify.js');
let t: TestApp;
let dir: string;
let key: SigningKey;
let publicKey: string;
const rows: SealedRow[] = [];

function verifyCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Downloads the checkpoints with their leaves, then the export in feed order (in that order, as documented). */
async function download(name: string): Promise<{ bundle: string; exported: string }> {
  // On PostgreSQL another test file's open transaction holds the feed's horizon back for a moment: an export holds
  // only final rows, so wait until every row written here is final.
  const deadline = Date.now() + 30_000;
  while (await hasHeldBackRows(t.database.db)) {
    if (Date.now() > deadline) throw new Error('rows still held back by a running transaction after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = api(t.app, t.keys.read);
  const bundleAnswer = await client.get('/api/integrity/checkpoints/export').expect(200);
  expect(bundleAnswer.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
  const exportAnswer = await client.get('/api/interactions/export?order=feed').expect(200);
  const bundle = path.join(dir, `${name}.checkpoints.ndjson`);
  const exported = path.join(dir, `${name}.export.ndjson`);
  await writeFile(bundle, bundleAnswer.text);
  await writeFile(exported, exportAnswer.text);
  return { bundle, exported };
}

/**
 * A forged row carrying the number of the row `of`. No feed_xid given: it takes the inserting transaction's, after
 * every checkpoint sealed so far.
 */
async function insertForgedCopy(forged: string, of: string) {
  await t.database.db.sql.query(
    `INSERT INTO interactions (id, interaction_number, resource_id, resource_type_id, action_id, origin_id, uow_id,
       created_date)
     SELECT $1, interaction_number, resource_id, resource_type_id, action_id, origin_id, uow_id,
       created_date + interval '1 millisecond'
     FROM interactions WHERE id = $2`,
    [forged, of],
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verify-files-'));
  key = await loadOrCreateSigningKey(path.join(dir, 'key.pem'));
  publicKey = `${path.join(dir, 'key.pem')}.pub`;
  t = await createTestApp();
  for (let i = 0; i < 8; i += 1) {
    const row = await insertInteraction(t.database.db, {
      interaction: { i, text: 'Zoë, "quoted"\n🚀' },
      resourceId: `files-${i}`,
      userId: i % 2 ? `user-${i}` : null,
      externalResponse: i === 3 ? [1, { b: 2, a: 1 }] : undefined,
    });
    rows.push({ id: row.id, interactionNumber: row.interactionNumber });
  }
  expect((await sealEverything(t.database.db, key, 5)).map((c) => c.rowCount)).toEqual([5, 3]);
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

it("serves each checkpoint with its leaves, oldest first, and the export in feed order with each row's cursor", async () => {
  const { bundle, exported } = await download('shape');
  const lines = readFileSync(bundle, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((line) => [line.seq, line.rowCount, line.leaves.length])).toEqual([
    [1, 5, 5],
    [2, 3, 3],
  ]);
  expect(lines.flatMap((line) => line.leaves.map((leaf: { interactionId: string }) => leaf.interactionId))).toEqual(
    rows.map((row) => row.id),
  );
  const items = readFileSync(exported, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(items.map((item) => item.interactionId)).toEqual(rows.map((row) => row.id));
  expect(items.every((item) => /^\d+-\d+$/.test(item.feedCursor))).toBe(true);
  expect(items.at(-1).feedCursor).toBe(lines[1].through);
});

it('exits 0 and says OK on an untouched log', async () => {
  const { bundle, exported } = await download('clean');
  const { code, stdout } = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
  expect(stdout).toBe('OK: checkpoints #1–#2, 8 rows from the export, every signature, link and row as sealed\n');
  expect(code).toBe(0);
});

it('checks only the checkpoints asked for, and rows after the last one as not sealed yet', async () => {
  await insertInteraction(t.database.db, { resourceId: 'files-unsealed' });
  try {
    const { bundle, exported } = await download('range');
    const second = await verifyCli(
      '--public-key',
      publicKey,
      '--checkpoints',
      bundle,
      '--export',
      exported,
      '--from',
      '2',
    );
    expect(second.stdout).toBe(
      'OK: checkpoints #2–#2, 3 rows from the export, every signature, link and row as sealed\n',
    );
    const all = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
    expect(all.code).toBe(0);
  } finally {
    await t.database.db.sql.query(`DELETE FROM interactions WHERE resource_id = 'files-unsealed'`);
  }
});

it.each(TAMPER_NAMES)('exits 1 naming %s', async (name) => {
  const tamper = tampers(rows, 2).find((candidate) => candidate.name === name)!;
  await snapshotLog(t.database.db.sql);
  await tamper.apply(t.database.db.sql);
  try {
    const { bundle, exported } = await download('tampered');
    const { code, stdout } = await verifyCli(
      '--public-key',
      publicKey,
      '--checkpoints',
      bundle,
      '--export',
      exported,
      '--json',
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; problems: Parameters<typeof findings>[0] };
    expect(report.ok).toBe(false);
    expect(findings(report.problems, tamper.expected)).toEqual(tamper.expected);
    const text = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^FOUND ${tamper.expected[0].kind}: `));
    expect(text.stdout.split('\n')[0]).toContain(
      tamper.expected[0].interactionId ?? `#${tamper.expected[0].checkpoint}`,
    );
  } finally {
    await restoreLog(t.database.db.sql);
  }
});

it('finds a forged row after the last checkpoint that reuses a sealed number', async () => {
  const forged = '0193a2b4-0000-7000-8000-00000000f0f3';
  await snapshotLog(t.database.db.sql);
  await insertForgedCopy(forged, rows[6].id);
  try {
    const { bundle, exported } = await download('forged-late');
    const { code, stdout } = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(
      `FOUND row-inserted: interaction ${forged} reuses number ${rows[6].interactionNumber}, which a checkpoint sealed for another row: a forged row`,
    );
  } finally {
    await restoreLog(t.database.db.sql);
  }
});

it('finds a forged row with an old number that a later checkpoint sealed', async () => {
  const forged = '0193a2b4-0000-7000-8000-00000000f0f4';
  await snapshotLog(t.database.db.sql);
  await insertForgedCopy(forged, rows[3].id);
  try {
    // The sealer does not know it is forged: it seals it in checkpoint #3, like any new row.
    expect((await sealEverything(t.database.db, key, 5)).map((c) => [c.seq, c.rowCount])).toEqual([[3, 1]]);
    const { bundle, exported } = await download('forged-sealed');
    const { code, stdout } = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(
      `FOUND row-inserted: interaction ${forged} reuses number ${rows[3].interactionNumber}, sealed in checkpoint #1 for interaction ${rows[3].id}: a forged row`,
    );
  } finally {
    await t.database.db.sql.query('DELETE FROM integrity_leaf_blocks WHERE checkpoint_seq > 2');
    await restoreLog(t.database.db.sql);
  }
});

it('names a row reordered in the export file, and a row edited in it', async () => {
  const { bundle, exported } = await download('edited');
  const lines = readFileSync(exported, 'utf8').trim().split('\n');
  // Rows 1 and 2 trade places but keep their cursors (so the file is still in feed order); row 6's user is changed.
  const moved = lines.map((line) => JSON.parse(line));
  [moved[1], moved[2]] = [
    { ...moved[2], feedCursor: moved[1].feedCursor },
    { ...moved[1], feedCursor: moved[2].feedCursor },
  ];
  moved[6] = { ...moved[6], userId: 'someone-else' };
  writeFileSync(exported, `${moved.map((item) => JSON.stringify(item)).join('\n')}\n`);
  const { code, stdout } = await verifyCli(
    '--public-key',
    publicKey,
    '--checkpoints',
    bundle,
    '--export',
    exported,
    '--json',
  );
  expect(code).toBe(1);
  const report = JSON.parse(stdout) as { problems: { kind: string; interactionId: string; fields: string[] }[] };
  expect(report.problems.map((p) => [p.kind, p.interactionId, p.fields])).toEqual([
    ['rows-reordered', rows[1].id, []],
    ['row-altered', rows[6].id, ['userId']],
  ]);
});

it('finds leaves edited in the checkpoints file', async () => {
  const { bundle, exported } = await download('leaves');
  const lines = readFileSync(bundle, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  // Someone makes the leaf of row 2 match an edited row: the leaves no longer hash to the signed root.
  lines[0].leaves[2].leafHash = 'ab'.repeat(32);
  writeFileSync(bundle, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  const { code, stdout } = await verifyCli('--public-key', publicKey, '--checkpoints', bundle, '--export', exported);
  expect(code).toBe(1);
  expect(stdout).toContain('FOUND leaves-altered: the leaves of checkpoint #1 do not hash to its signed root');
});

it('exits 3 naming the file and line of a file that is not what it should be', async () => {
  const { bundle, exported } = await download('hostile');
  const client = api(t.app, t.keys.read);
  const page = path.join(dir, 'page.json');
  await writeFile(page, JSON.stringify((await client.get('/api/integrity/checkpoints').expect(200)).body));
  const listOrder = path.join(dir, 'list-order.ndjson');
  await writeFile(listOrder, (await client.get('/api/interactions/export').expect(200)).text);
  const brokenExport = path.join(dir, 'broken-export.ndjson');
  const exportLines = readFileSync(exported, 'utf8').split('\n');
  exportLines[4] = exportLines[4].slice(0, 40);
  await writeFile(brokenExport, exportLines.join('\n'));
  const garbage = path.join(dir, 'garbage.ndjson');
  await writeFile(garbage, '{"seq": 1, "after": "0", "through": "5-5", "leaves": []}\n{not json\n');

  const cases: [string[], RegExp][] = [
    [
      ['--checkpoints', page, '--export', exported],
      /page\.json, line 1: not a checkpoint of GET \/api\/integrity\/checkpoints\/export/,
    ],
    [
      ['--checkpoints', bundle, '--export', listOrder],
      /list-order\.ndjson, line 1: no feedCursor: export with .*order=feed/,
    ],
    [['--checkpoints', garbage, '--export', exported], /garbage\.ndjson, line 2: not JSON/],
    [['--checkpoints', bundle, '--export', brokenExport], /broken-export\.ndjson, line 5: not JSON/],
    [['--checkpoints', bundle, '--export', path.join(dir, 'absent.ndjson')], /ENOENT/],
    [['--checkpoints', path.join(dir, 'absent.ndjson.gz'), '--export', exported], /ENOENT/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await verifyCli('--public-key', publicKey, ...args);
    expect([code, stderr]).toEqual([3, expect.stringMatching(message)]);
  }
});

it('exits 2 on usage errors of the file modes', async () => {
  const { bundle, exported } = await download('usage');
  const noBundle = await verifyCli('--public-key', publicKey, '--export', exported);
  expect(noBundle.code).toBe(2);
  expect(noBundle.stderr).toContain('--export and --archive need --checkpoints');
  const two = await verifyCli(
    '--public-key',
    publicKey,
    '--checkpoints',
    bundle,
    '--export',
    exported,
    '--archive',
    exported,
  );
  expect(two.code).toBe(2);
  expect(two.stderr).toContain('give one of --database-url, --data-dir, --export and --archive');
  const backwards = await verifyCli(
    '--public-key',
    publicKey,
    '--checkpoints',
    bundle,
    '--export',
    exported,
    '--from',
    '2',
    '--to',
    '1',
  );
  expect(backwards.code).toBe(2);
});

it('answers a bad range of checkpoints with a JSON 400, and 401 without a key', async () => {
  const client = api(t.app, t.keys.read);
  for (const query of ['from=2&to=1', 'from=0', 'to=abc', 'from=1.5']) {
    const res = await client.get(`/api/integrity/checkpoints/export?${query}`).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  }
  const only = await client.get('/api/integrity/checkpoints/export?from=2&to=2').expect(200);
  expect(
    only.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).seq),
  ).toEqual([2]);
  const bad = await client.get('/api/interactions/export?order=newest').expect(400);
  expect(bad.body.error.code).toBe('VALIDATION_ERROR');
  const csv = await client.get('/api/interactions/export?order=feed').set('accept', 'text/csv').expect(200);
  const [header, first] = csv.text.split('\r\n');
  expect(header.endsWith(',feedCursor')).toBe(true);
  expect(first.split(',')[0]).toBe(rows[0].id);
  expect(first).toMatch(/,\d+-\d+$/);
  const anonymous = await request(t.app).get('/api/integrity/checkpoints/export');
  expect(anonymous.status).toBe(401);
});
