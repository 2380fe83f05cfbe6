/**
 * docs/concepts.md names the system lookups a new installation starts with; a migration inserts them. This keeps
 * the two lists equal, so the doc cannot fall behind a migration again (it listed four actions when six shipped).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const doc = readFileSync(path.resolve(__dirname, '../../docs/concepts.md'), 'utf8');

/** The backquoted mnemonics of the doc's sentence "Actions `A`/`B` and origins `C`/`D` ship with the service". */
function documented(): { actions: string[]; origins: string[] } {
  const match = /Actions\s+(\S+)\s+and\s+origins\s+(\S+)\s+ship with the service/.exec(doc);
  if (!match) throw new Error('docs/concepts.md no longer has the sentence listing the shipped lookups');
  const mnemonics = (list: string) => [...list.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]).sort();
  return { actions: mnemonics(match[1]), origins: mnemonics(match[2]) };
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const system = async (table: 'actions' | 'origins') =>
  (await t.db.sql.query<{ mnemonic: string }>(`SELECT mnemonic FROM ${table} WHERE is_system`))
    .map((row) => row.mnemonic)
    .sort(); // in JS, like the doc's list: a database collation may order `_` differently

it('lists every system action of a migrated database, and no other', async () => {
  expect(documented().actions).toEqual(await system('actions'));
});

it('lists every system origin of a migrated database, and no other', async () => {
  expect(documented().origins).toEqual(await system('origins'));
});

it('says there are no system resource types', async () => {
  expect(doc).toMatch(/resource types are yours to create/);
  expect(await t.db.sql.query(`SELECT 1 FROM resource_types WHERE is_system`)).toEqual([]);
});
