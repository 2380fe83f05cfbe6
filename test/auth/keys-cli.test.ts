import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { authenticateApiKey } from '../../src/auth/api-key.service';
import { listenForChanges } from '../../src/db/change-events';
import { openDatabase, type Database } from '../../src/db/database';
import { createEmptyDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';

// `npm run keys -- …` is `node -r ts-node/register/transpile-only scripts/keys.ts …`; spawned here the same way, on
// a PGlite DATA_DIR (or a fresh PostgreSQL database when DATABASE_URL is set).

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
let storageEnv: Record<string, string>;
let cleanup: () => Promise<void>;
let pg: TestDatabase | null = null;

beforeAll(async () => {
  if (TEST_DATABASE_KIND === 'postgres') {
    pg = await createEmptyDatabase();
    storageEnv = { DATABASE_URL: pg.url as string };
    // Like a running service, this process hears other processes' key changes (the CLI's revoke) by LISTEN.
    const stopListening = await listenForChanges(pg.db);
    cleanup = async () => {
      await stopListening();
      await (pg as TestDatabase).close();
    };
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-keys-'));
    storageEnv = { DATA_DIR: dataDir };
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup());

function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'NODE_OPTIONS']) delete env[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'scripts/keys.ts', ...args],
      { cwd: ROOT, env: { ...env, ...storageEnv } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs `fn` on the CLI's database; PGlite's data directory has one user at a time, so it is closed after. */
async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.db);
  const db = await openDatabase({ kind: 'pglite', dataDir: storageEnv.DATA_DIR });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

let id: string;
let key: string;

it('create prints the new key once, with its id, name and scopes', async () => {
  const result = await keys('create', '--name', 'ci', '--scopes', 'read,write');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const match = /^created key ([0-9a-f-]{36}) \(ci, scopes read,write\)\n(ik_[A-Za-z0-9_-]{43})\n$/.exec(result.stdout);
  expect(match).not.toBeNull();
  [, id, key] = match as RegExpExecArray;
});

it('the created key authenticates with its scopes', async () => {
  const principal = await withDatabase(async (db) => {
    const found = await authenticateApiKey(db, { key });
    // authenticateApiKey writes last_used_date in the background; let it land before the database closes.
    for (let i = 0; i < 50; i += 1) {
      const [row] = await db.sql.query<{ used: boolean }>(
        `SELECT last_used_date IS NOT NULL AS used FROM api_keys WHERE id = $1`,
        [id],
      );
      if (row.used) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return found;
  });
  expect(principal).toEqual({ keyId: id, name: 'ci', scopes: ['read', 'write'] });
});

it('revoke revokes it: list shows it revoked and it no longer authenticates', async () => {
  const revoked = await keys('revoke', id);
  expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${id} (ci)\n` });
  const listed = await keys('list');
  expect(listed.code).toBe(0);
  expect(listed.stdout).toBe(`${[id, `${key.slice(0, 10)}…`, 'ci', 'read,write', 'revoked'].join('\t')}\n`);
  expect(listed.stdout).not.toContain(key);
  // On PostgreSQL this process cached the key a moment ago; the CLI's NOTIFY must clear it well before the
  // cache's own 5 s expiry (so this polls for 2 s at most).
  let principal = await withDatabase((db) => authenticateApiKey(db, { key }));
  for (let waited = 0; principal !== null && waited < 2000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    principal = await withDatabase((db) => authenticateApiKey(db, { key }));
  }
  expect(principal).toBeNull();
});

it('refuses bad usage with exit code 2 and the usage text', async () => {
  const usage = await keys('frobnicate');
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/usage:/);
});
