import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';

/**
 * The suite's PGlite databases start from two dumps made once per run by globalSetup, instead of each being created
 * anew: creating a PGlite data directory (initdb, in WebAssembly) took 8–20 s on the CI machine, loading a dump 2–4 s,
 * and the suite opens about a hundred. The workers find the dumps' directory in this variable.
 */
export const PGLITE_TEMPLATE_ENV = 'ITEST_PGLITE_TEMPLATES';

type Template = 'empty' | 'migrated';

/** Makes both dumps in a new directory (a fresh data directory, and the same migrated) and returns the directory. */
export async function makePGliteTemplates(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'itest-pglite-'));
  const dataDir = path.join(dir, 'data');
  const dump = async (name: Template) => {
    const client = new PGlite(dataDir);
    try {
      const blob = await client.dumpDataDir('none');
      writeFileSync(path.join(dir, `${name}.tar`), Buffer.from(await blob.arrayBuffer()));
    } finally {
      await client.close();
    }
  };
  await dump('empty');
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await dump('migrated');
  rmSync(dataDir, { recursive: true, force: true });
  return dir;
}

/** The dump to start an in-memory database from, or undefined outside a jest run (a fresh one is made then). */
export function pgliteTemplate(name: Template, env: NodeJS.ProcessEnv = process.env): Blob | undefined {
  const dir = env[PGLITE_TEMPLATE_ENV];
  return dir ? new Blob([readFileSync(path.join(dir, `${name}.tar`))]) : undefined;
}

export function removePGliteTemplates(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[PGLITE_TEMPLATE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
