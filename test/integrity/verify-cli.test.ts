/**
 * The offline verifier as a person runs it (`bin/interactions-verify.js`, a child process): exit 0 and "OK" on an
 * untouched log; exit 1 naming each edit made in the database; a published copy of the checkpoints catches the newest
 * one deleted; another public key fails every signature; usage errors exit 2. PGlite: a data directory the test
 * closes before each run (the verifier locks it as the service does); PostgreSQL: the test database's URL.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { readCheckpoints } from '../../src/integrity/checkpoint';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/integrity/signing-key';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
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
let dir: string;
let key: SigningKey;
let pg: TestDatabase | null = null;
let dataDir: string;
const rows: SealedRow[] = [];

/** The database, open for the duration of `fn` (PGlite: closed again, so the verifier can lock the directory). */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.db);
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function verifyCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const target = pg ? ['--database-url', pg.url!] : ['--data-dir', dataDir];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...target, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verify-cli-'));
  key = await loadOrCreateSigningKey(path.join(dir, 'key.pem'));
  if (TEST_DATABASE_KIND === 'postgres') pg = await createTestDatabase();
  dataDir = path.join(dir, 'data');
  await withDb(async (db) => {
    if (!pg) await migrate(db);
    for (let i = 0; i < 8; i += 1) {
      const row = await insertInteraction(db, { interaction: { i }, resourceId: `cli-${i}` });
      rows.push({ id: row.id, interactionNumber: row.interactionNumber });
    }
    expect((await sealEverything(db, key, 5)).map((c) => c.rowCount)).toEqual([5, 3]);
  });
});
afterAll(async () => {
  await pg?.close();
  await rm(dir, { recursive: true, force: true });
});

it('exits 0 and says OK on an untouched log', async () => {
  const { code, stdout } = await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`);
  expect(stdout).toBe('OK: checkpoints #1–#2, 8 rows from the database, every signature, link and row as sealed\n');
  expect(code).toBe(0);
});

it.each(TAMPER_NAMES)('exits 1 naming %s', async (name) => {
  const tamper = tampers(rows, 2).find((candidate) => candidate.name === name)!;
  await withDb(async (db) => {
    await snapshotLog(db.sql);
    await tamper.apply(db.sql);
  });
  try {
    const { code, stdout } = await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; problems: Parameters<typeof findings>[0] };
    expect(report.ok).toBe(false);
    expect(findings(report.problems, tamper.expected)).toEqual(tamper.expected);
    const text = await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^FOUND ${tamper.expected[0].kind}: `));
    const named = tamper.expected[0].interactionId ?? `#${tamper.expected[0].checkpoint}`;
    expect(text.stdout.split('\n')[0]).toContain(named);
  } finally {
    await withDb((db) => restoreLog(db.sql));
  }
});

it('finds the newest checkpoint deleted when given the published copy', async () => {
  const published = await withDb((db) => readCheckpoints(db.sql));
  const copy = path.join(dir, 'published.json');
  await writeFile(copy, JSON.stringify({ data: published }));
  await withDb(async (db) => {
    await snapshotLog(db.sql);
    await db.sql.query('DELETE FROM integrity_checkpoints WHERE seq = 2');
  });
  try {
    // Without the copy the chain alone cannot tell: the log ends one checkpoint earlier.
    expect((await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`)).code).toBe(0);
    const { code, stdout } = await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`, '--checkpoints', copy);
    expect(code).toBe(1);
    expect(stdout).toContain('FOUND checkpoint-missing: checkpoint #2 was published but is not in the database');
  } finally {
    await withDb((db) => restoreLog(db.sql));
  }
});

it('fails every signature under another public key', async () => {
  const other = path.join(dir, 'other.pub');
  await writeFile(other, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
  const { code, stdout } = await verifyCli('--public-key', other);
  expect(code).toBe(1);
  expect(stdout.match(/^FOUND checkpoint-signature: /gm)).toHaveLength(2);
});

it('exits 2 with the usage on bad arguments', async () => {
  const noKey = await verifyCli();
  expect(noKey.code).toBe(2);
  expect(noKey.stderr).toContain('--public-key is required');
  const badFrom = await verifyCli('--public-key', `${path.join(dir, 'key.pem')}.pub`, '--from', '0');
  expect(badFrom.code).toBe(2);
  const unknown = await verifyCli('--public-key', 'x', '--everything');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('usage: interactions-verify');
});

it('is what `npm run verify --` runs', async () => {
  const help = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      'npm',
      ['run', '-s', 'verify', '--', '--help'],
      { cwd: path.resolve(__dirname, '../..') },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^usage: interactions-verify --public-key <file>/);
});
