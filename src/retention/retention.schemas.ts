import { dateTime, nullable, object } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

/** The component schemas of the retention routes (OpenAPI `components.schemas`): they document and validate. */
export const RETENTION_SCHEMAS = {
  Retention: object({
    policy: object({
      retentionDays: nullable('integer', { description: 'Days kept (RETENTION_DAYS); null keeps everything.' }),
      interval: { enum: ['day', 'week', 'month'] },
      archives: { type: 'boolean', description: 'Partitions are archived (ARCHIVE_DIR) before they are dropped.' },
    }),
    cutoff: nullable('string', { format: 'date-time', description: 'Partitions ending at or before it are dropped.' }),
    retainedFrom: nullable('string', { format: 'date-time', description: 'End of the latest dropped range.' }),
    lastRunAt: nullable('string', { format: 'date-time', description: 'When a retention run last started.' }),
    partitions: {
      type: 'array',
      items: object({
        name: { type: 'string' },
        rangeStart: nullable('string', { format: 'date-time', description: 'Null for the default partition.' }),
        rangeEnd: nullable('string', { format: 'date-time', description: 'Null for the default partition.' }),
        rows: { type: 'integer', minimum: 0, description: 'Exact number of interactions.' },
        sizeBytes: { type: 'integer', minimum: 0 },
        expired: { type: 'boolean', description: 'Dropped by the next run.' },
      }),
    },
    nextDrops: { type: 'array', items: { type: 'string' } },
    dropped: {
      type: 'array',
      items: object({
        rangeStart: dateTime,
        rangeEnd: dateTime,
        rows: { type: 'integer', minimum: 0 },
        archiveFile: nullable('string'),
        droppedAt: dateTime,
      }),
    },
  }),
} satisfies Record<string, JsonSchema>;
