import { dateTime, nullable, object, ref, uuid } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

/** `retainedFrom` of a trace (docs/adr/031). */
const TRACE_RETAINED_FROM =
  'Set when retention removed some of this unit of work: the time from which the trace is whole. Null when nothing of it was removed.';

/** The component schemas of the trace routes (OpenAPI `components.schemas`): they document and validate. */
export const TRACE_SCHEMAS = {
  Trace: object({
    uowId: uuid,
    retainedFrom: nullable('string', { format: 'date-time', description: TRACE_RETAINED_FROM }),
    data: { type: 'array', items: ref('InteractionListItem') },
    pagination: ref('Pagination'),
  }),
  TraceTimeline: object({
    uowId: uuid,
    retainedFrom: nullable('string', { format: 'date-time', description: TRACE_RETAINED_FROM }),
    data: {
      type: 'array',
      items: object({
        interactionId: uuid,
        interactionNumber: { type: 'integer' },
        timestamp: dateTime,
        offsetMs: { type: 'number', description: 'Milliseconds since the first interaction of the trace.' },
        resourceId: { type: 'string' },
        resourceType: { type: 'string' },
        action: { type: 'string' },
        origin: { type: 'string' },
        userId: nullable('string'),
      }),
    },
  }),
  TraceSummary: object({
    uowId: uuid,
    totalInteractions: { type: 'integer', minimum: 1 },
    startTime: dateTime,
    endTime: dateTime,
    durationMs: { type: 'number', minimum: 0 },
    uniqueActions: { type: 'array', items: { type: 'string' } },
    resourceTypes: { type: 'array', items: { type: 'string' } },
    origins: { type: 'array', items: { type: 'string' } },
    resourceCount: { type: 'integer', minimum: 0 },
    userIds: { type: 'array', items: { type: 'string' } },
    retainedFrom: nullable('string', { format: 'date-time', description: TRACE_RETAINED_FROM }),
  }),
} satisfies Record<string, JsonSchema>;
