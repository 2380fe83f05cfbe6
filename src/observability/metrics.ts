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
  const timelineRefreshDuration = new Histogram({
    name: 'timeline_refresh_duration_seconds',
    help: 'Duration of timeline daily-count refreshes (incremental unless full)',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120],
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
  return { registry, httpRequests, httpDuration, interactionsIngested, timelineRefreshDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;
