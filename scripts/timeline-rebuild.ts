// `npm run timeline:rebuild`: rebuilds the timeline's daily counts from every interaction (refreshTimeline with
// full). Only needed after interactions the counts already cover were deleted or restored by hand (the service is
// append-only and refreshes incrementally); readers and writers of running instances are not blocked meanwhile.
import { loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';
import { refreshTimeline } from '../src/timeline/timeline.refresh';

// loadConfig inside the chain: a bad setting ends in the catch below as its one-line message, not a stack trace.
Promise.resolve()
  .then(() => openMigratedDatabase(loadConfig()))
  .then(async ({ db }) => {
    try {
      const result = await refreshTimeline(db, { full: true });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await db.close();
    }
  })
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
