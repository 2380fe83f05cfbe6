// `npm run archive:import -- FILE [FILE…]`: loads archives written by retention (ARCHIVE_DIR/interactions-….ndjson.gz)
// back into the configured database, keeping ids, numbers and timestamps. Idempotent: rows already present are
// skipped. The manifest beside each file is checked first (SHA-256, rows, number range).
import { loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';
import { importArchive } from '../src/retention/archive.import';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npm run archive:import -- FILE [FILE…]\n');
  process.exit(2);
}

// loadConfig inside the chain: a bad setting ends in the catch below as its one-line message, not a stack trace.
Promise.resolve()
  .then(async () => {
    const config = loadConfig();
    const { db } = await openMigratedDatabase(config);
    try {
      for (const file of files) {
        const result = await importArchive(db, { file, interval: config.partitionInterval });
        process.stdout.write(`${JSON.stringify({ file, read: result.read, inserted: result.inserted })}\n`);
      }
    } finally {
      await db.close();
    }
  })
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
