// `npm run retention -- --dry-run` lists what retention would drop (RETENTION_DAYS, ARCHIVE_DIR, PARTITION_INTERVAL
// as for the service); `npm run retention -- --now` runs it at once, whenever the last run was. Prints JSON; the
// running instances need no restart (they see the partitions gone at their next statement).
import { loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';
import { createLogger } from '../src/observability/logger';
import { reportRetentionRun, retentionPolicyOf } from '../src/retention/maintenance';
import { getRetentionStatus, runRetention } from '../src/retention/retention.service';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const now = args.includes('--now');
if (dryRun === now || args.some((arg) => arg !== '--dry-run' && arg !== '--now')) {
  process.stderr.write('usage: npm run retention -- --dry-run | --now\n');
  process.exit(2);
}

// loadConfig inside the chain: a bad setting ends in the catch below as its one-line message, not a stack trace.
Promise.resolve()
  .then(async () => {
    const config = loadConfig();
    const { db } = await openMigratedDatabase(config);
    try {
      const policy = retentionPolicyOf(config);
      if (policy.retentionDays === null) {
        process.stderr.write('RETENTION_DAYS is not set: everything is kept, nothing to drop.\n');
      }
      const run = await runRetention(db, { policy, dryRun });
      reportRetentionRun(run, createLogger({ level: 'silent' }));
      const status = await getRetentionStatus(db, { policy });
      process.stdout.write(`${JSON.stringify({ run, partitions: status.partitions }, null, 2)}\n`);
    } finally {
      await db.close();
    }
  })
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
