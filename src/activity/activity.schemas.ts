import { MAX_INT, dateTime, nullable, object, ref, uuid } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

/** The component schemas of the activity routes (OpenAPI `components.schemas`): they document and validate. */
export const ACTIVITY_SCHEMAS = {
  ActivityQuery: {
    type: 'object',
    properties: {
      resources: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          properties: {
            resourceId: { type: 'string', minLength: 1, maxLength: 512 },
            resourceType: nullable('string', { description: 'Mnemonic; absent or null: any type.' }),
          },
          required: ['resourceId'],
        },
      },
      startDate: nullable('string', { description: 'ISO date or date-time.' }),
      endDate: nullable('string', {
        description: 'ISO date or date-time; a date-only value includes that whole UTC day.',
      }),
      page: nullable('integer', { minimum: 1, maximum: MAX_INT }),
      limit: nullable('integer', { minimum: 1, maximum: MAX_INT }),
    },
    required: ['resources'],
  },
  ActivityPage: object({
    data: {
      type: 'array',
      items: object({
        userId: nullable('string'),
        uowId: uuid,
        interactionCount: { type: 'integer', minimum: 1 },
        firstInteractionAt: {
          ...dateTime,
          description:
            'When the earliest matching interaction was recorded (createdDate, the clock the range filters by)',
        },
        lastInteractionAt: {
          ...dateTime,
          description: 'When the latest matching interaction was recorded (createdDate); groups are ordered by it',
        },
        resources: {
          type: 'array',
          items: object({ resourceId: { type: 'string' }, resourceType: { type: 'string' } }),
        },
        actions: { type: 'array', items: { type: 'string' } },
      }),
    },
    pagination: ref('Pagination'),
  }),
} satisfies Record<string, JsonSchema>;
