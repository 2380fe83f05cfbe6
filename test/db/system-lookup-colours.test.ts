import { contrastRatio, MIN_CONTRAST } from '../../web/src/contrast';
import { migrate, readMigrations } from '../../src/db/migrator';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../helpers/database';

// The system lookups the service ships must pass the console's own contrast rule (ADR 043, 086), and the migration
// that fixed their colours must leave alone colours a user had changed.
const MIGRATION = '20261206000000_readable_system_lookup_colours';
interface Row {
  mnemonic: string;
  font_color_hex: string;
  bg_color_hex: string;
}
const systemRows = async (test: TestDatabase) => {
  const rows: Row[] = [];
  for (const table of ['resource_types', 'actions', 'origins']) {
    rows.push(
      ...(await test.db.sql.query<Row>(
        `SELECT mnemonic, font_color_hex, bg_color_hex FROM ${table} WHERE is_system ORDER BY mnemonic`,
      )),
    );
  }
  return rows;
};

it('ships every system lookup with colours of at least 4.5:1', async () => {
  const test = await createTestDatabase();
  try {
    const rows = await systemRows(test);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const low = rows
      .map((r) => ({ mnemonic: r.mnemonic, ratio: contrastRatio(r.font_color_hex, r.bg_color_hex) }))
      .filter((r) => r.ratio === null || r.ratio < MIN_CONTRAST);
    expect(low).toEqual([]);
  } finally {
    await test.close();
  }
});

it('keeps a colour the user changed before the migration', async () => {
  const test = await createEmptyDatabase();
  try {
    const files = readMigrations();
    expect(files.map((f) => f.name)).toContain(MIGRATION);
    await migrate(
      test.db,
      files.filter((f) => f.name < MIGRATION),
    );
    // The user repainted CREATE (its own, unreadable choice) and left UPDATE as shipped.
    await test.db.sql.query(`UPDATE actions SET bg_color_hex = '#22c55e' WHERE mnemonic = 'CREATE'`);
    await migrate(test.db);
    const rows = await test.db.sql.query<Row>(
      `SELECT mnemonic, font_color_hex, bg_color_hex FROM actions WHERE mnemonic IN ('CREATE', 'UPDATE') ORDER BY mnemonic`,
    );
    expect(rows).toEqual([
      { mnemonic: 'CREATE', font_color_hex: '#ffffff', bg_color_hex: '#22c55e' },
      { mnemonic: 'UPDATE', font_color_hex: '#ffffff', bg_color_hex: '#b45309' },
    ]);
  } finally {
    await test.close();
  }
});
