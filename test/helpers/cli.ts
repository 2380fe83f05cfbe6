import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { createEmptyDatabase, TEST_DATABASE_KIND } from './database';

const ROOT = path.resolve(__dirname, '../..');

/**
 * An empty database a command in a child process can open, as its user would point it there: a fresh PostgreSQL
 * database (DATABASE_URL) when the suite runs on PostgreSQL, else a PGlite data directory (DATA_DIR).
 */
export interface CliDatabase {
  /** DATABASE_URL or DATA_DIR, for the command's environment. */
  env: Record<string, string>;
  /**
   * Runs `fn` on the database from this process. A PGlite directory has one user at a time (ADR 090), so it is
   * opened for `fn` only and closed before any command runs.
   */
  use<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Creates an empty (unmigrated) database for command tests. */
export async function createCliDatabase(): Promise<CliDatabase> {
  if (TEST_DATABASE_KIND === 'postgres') {
    const test = await createEmptyDatabase();
    return { env: { DATABASE_URL: test.url as string }, use: (fn) => fn(test.db), close: () => test.close() };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-cli-'));
  return {
    env: { DATA_DIR: dataDir },
    async use(fn) {
      const db = await openDatabase({ kind: 'pglite', dataDir });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    close: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** What a command printed and how it exited. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Settings of the test run that must not leak into a command: it gets only what the test gives it. */
const WITHHELD = ['DATABASE_URL', 'DATA_DIR', 'NODE_OPTIONS', 'RETENTION_DAYS', 'ARCHIVE_DIR', 'PARTITION_INTERVAL'];

/**
 * Runs `scripts/<script>.ts` as its npm script does (`node -r ts-node/register/transpile-only scripts/….ts ARGS`), with
 * `env` on top of the test process's environment minus the storage and retention settings.
 */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  const base = { ...process.env };
  for (const name of WITHHELD) delete base[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', `scripts/${script}.ts`, ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
