import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR, readMigrations, type MigrationFile } from '../../src/db/migrator';
import { createEmptyDatabase, type TestDatabase } from '../helpers/database';

let test: TestDatabase;
let firstRun: Awaited<ReturnType<typeof migrate>>;
beforeAll(async () => {
  test = await createEmptyDatabase();
  firstRun = await migrate(test.db);
});
afterAll(() => test.close());

const FILES = readMigrations();

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}
const recorded = () => test.db.sql.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);

it('reads every prisma/migrations/<name>/migration.sql in name order', () => {
  const folders = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  expect(FILES.map((file) => file.name)).toEqual(folders);
  expect(folders.every((name) => /^\d{14}_\w+$/.test(name))).toBe(true);
});

it('applies every migration on an empty database', () => {
  expect(firstRun).toEqual({ applied: FILES.map((file) => file.name), alreadyApplied: [] });
});

it('applies nothing the second time', async () => {
  const second = await migrate(test.db);
  expect(second).toEqual({ applied: [], alreadyApplied: FILES.map((file) => file.name) });
  expect(await recorded()).toHaveLength(FILES.length);
});

it("records each migration in _prisma_migrations with exactly Prisma's columns", async () => {
  const columns = await test.db.sql.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
  );
  expect(columns).toEqual([
    { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
    { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
    { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
    { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
    { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
  ]);
});

it('stores the SHA-256 of each file as its checksum, with finished_at set', async () => {
  const rows = await recorded();
  expect(rows.map((row) => row.migration_name)).toEqual(FILES.map((file) => file.name));
  for (const row of rows) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
});

it('refuses to run when an applied migration has changed', async () => {
  const changed: MigrationFile[] = FILES.map((file, index) =>
    index === 0
      ? {
          ...file,
          sql: `${file.sql}\n-- edited`,
          checksum: createHash('sha256').update(`${file.sql}\n-- edited`).digest('hex'),
        }
      : file,
  );
  await expect(migrate(test.db, changed)).rejects.toThrow(/was changed after it was applied/);
});

it('refuses to run when the database has a migration this build does not know', async () => {
  await expect(migrate(test.db, FILES.slice(0, -1))).rejects.toThrow(/does not know/);
});

it('applies a new migration once, and rolls back a failing one completely', async () => {
  const added: MigrationFile = {
    name: '99990101000000_test_added',
    sql: 'CREATE TABLE migrator_probe (id int);',
    checksum: 'a'.repeat(64),
  };
  const broken: MigrationFile = {
    name: '99990102000000_test_broken',
    sql: 'CREATE TABLE migrator_half (id int); SELECT no_such_function();',
    checksum: 'b'.repeat(64),
  };
  const result = await migrate(test.db, [...FILES, added]);
  expect(result.applied).toEqual([added.name]);
  await expect(migrate(test.db, [...FILES, added, broken])).rejects.toThrow();
  const names = (await recorded()).map((row) => row.migration_name);
  expect(names).toContain(added.name);
  expect(names).not.toContain(broken.name);
  const half = await test.db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'migrator_half'`);
  expect(half).toEqual([]);
});
