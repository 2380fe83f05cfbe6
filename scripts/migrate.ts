// `npm run db:migrate`: applies pending migrations to the configured database (the service also does this at start).
import { loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';

// loadConfig inside the chain: a bad setting ends in the catch below as its one-line message, not a stack trace.
Promise.resolve()
  .then(() => openMigratedDatabase(loadConfig()))
  .then(async ({ db, applied }) => {
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    await db.close();
  })
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
