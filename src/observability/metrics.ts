import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/database';

/** The service's Prometheus metrics; one registry per app so several apps can live in one process (tests). */
export function createMetrics(db: Database) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const interactionsIngested = new Counter({
    name: 'interactions_ingested_total',
    help: 'Interactions written (acknowledged after commit)',
    registers: [registry],
  });
  // Rows per insert statement of the write coalescer (ADR 058): its _count is the inserts, its _sum the rows, so
  // _sum / _count above 1 shows concurrent single creates sharing commits on this instance.
  const writeGroupSize = new Histogram({
    name: 'interactions_write_group_size',
    help: 'Single creates written per insert statement by the write coalescer (one observation per insert)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200],
    registers: [registry],
  });
  const timelineRefreshDuration = new Histogram({
    name: 'timeline_refresh_duration_seconds',
    help: 'Duration of timeline daily-count refreshes (incremental unless full)',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const retentionDroppedPartitions = new Counter({
    name: 'interactions_retention_dropped_partitions_total',
    help: 'Partitions of interactions dropped by retention (by this instance)',
    registers: [registry],
  });
  const retentionDroppedRows = new Counter({
    name: 'interactions_retention_dropped_rows_total',
    help: 'Interactions removed by retention with their partitions (by this instance)',
    registers: [registry],
  });
  const retentionRuns = new Counter({
    name: 'interactions_retention_runs_total',
    help: 'Retention runs by this instance (a run skipped because another instance ran today is not counted)',
    registers: [registry],
  });
  const partitionsCreated = new Counter({
    name: 'interactions_partitions_created_total',
    help: 'Partitions of interactions created by this instance (ahead of time or out of the default partition)',
    registers: [registry],
  });
  const pool = (name: string, help: string, pick: (s: ReturnType<Database['poolStats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(db.poolStats()));
      },
    });
  pool('db_pool_connections', 'Open database connections', (s) => s.total);
  pool('db_pool_idle_connections', 'Idle database connections', (s) => s.idle);
  pool('db_pool_waiting_requests', 'Queries waiting for a database connection', (s) => s.waiting);
  return {
    registry,
    httpRequests,
    httpDuration,
    interactionsIngested,
    writeGroupSize,
    timelineRefreshDuration,
    retentionDroppedPartitions,
    retentionDroppedRows,
    retentionRuns,
    partitionsCreated,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
