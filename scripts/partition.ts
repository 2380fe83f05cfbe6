// `npm run db:partition`: upgrades a 0.1 database (one unpartitioned interactions table) to the partitioned layout —
// the migration 20261128000000_partitioned_interactions copies every row, keeping ids, numbers and dates — then
// creates the partitions ahead at PARTITION_INTERVAL and prints them. Safe to run again: it only adds what is
// missing. Stop the service's writers first: the migration holds the table for its whole run (README).
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';
import { ensurePartitions, listPartitions } from '../src/partitions/partition.service';

// loadConfig inside the chain: a bad setting ends in the catch below as its one-line message, not a stack trace.
const started = performance.now();
Promise.resolve()
  .then(async () => {
    const config = loadConfig();
    const { db, applied } = await openMigratedDatabase(config);
    try {
      const migratedMs = Math.round(performance.now() - started);
      const { created, moved } = await ensurePartitions(db, { interval: config.partitionInterval });
      const partitions = (await listPartitions(db.sql)).map((p) => ({
        name: p.name,
        from: p.range ? new Date(p.range.start).toISOString() : null,
        to: p.range ? new Date(p.range.end).toISOString() : null,
        sizeBytes: p.sizeBytes,
      }));
      process.stdout.write(`${JSON.stringify({ applied, migratedMs, created, moved, partitions }, null, 2)}\n`);
    } finally {
      await db.close();
    }
  })
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
