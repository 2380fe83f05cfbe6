import { GRANULARITY_NAMES } from '../input/granularity';
import { dateTime, nullable, object } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

/** `retainedFrom` of a timeline (docs/adr/031). */
const RETAINED_FROM =
  'Set when retention dropped interactions inside the range: the time from which the counts are whole. Null when nothing in the range was dropped.';

/** The component schemas of the timeline routes (OpenAPI `components.schemas`): they document and validate. */
export const TIMELINE_SCHEMAS = {
  Timeline: object({
    granularity: { enum: GRANULARITY_NAMES },
    startDate: dateTime,
    endDate: dateTime,
    refreshedAt: nullable('string', { format: 'date-time', description: 'Last refresh of the daily counts.' }),
    retainedFrom: nullable('string', { format: 'date-time', description: RETAINED_FROM }),
    data: { type: 'array', items: object({ bucket: dateTime, count: { type: 'integer', minimum: 0 } }) },
  }),
  TimelineRefresh: object({ refreshedAt: dateTime, durationMs: { type: 'integer', minimum: 0 } }),
} satisfies Record<string, JsonSchema>;
