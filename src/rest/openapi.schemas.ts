import { ACTIVITY_SCHEMAS } from '../activity/activity.schemas';
import { API_KEY_SCHEMAS } from '../auth/api-key.schemas';
import { INTEGRITY_SCHEMAS } from '../integrity/integrity.schemas';
import { INTERACTION_SCHEMAS } from '../interactions/interaction.schemas';
import { LOOKUP_SCHEMAS } from '../lookups/lookup.schemas';
import { RETENTION_SCHEMAS } from '../retention/retention.schemas';
import { TIMELINE_SCHEMAS } from '../timeline/timeline.schemas';
import { TRACE_SCHEMAS } from '../traces/trace.schemas';
import type { JsonSchema } from './route';
import { ERROR_CODES, object, paginationFields } from './schema';

/** Every component schema of the OpenAPI document, by name: the shared ones here, each domain's from its folder. */
export const COMPONENT_SCHEMAS = {
  Error: object(
    {
      error: {
        type: 'object',
        properties: {
          code: { enum: ERROR_CODES },
          message: { type: 'string', description: 'Safe to show to people.' },
          details: { description: 'Optional machine-readable details, e.g. `{ field }`.' },
        },
        required: ['code', 'message'],
        additionalProperties: false,
      },
    },
    'Every error: a machine-readable code, a message, optional details.',
  ),
  Pagination: object(paginationFields),
  ...INTERACTION_SCHEMAS,
  ...INTEGRITY_SCHEMAS,
  ...LOOKUP_SCHEMAS,
  ...API_KEY_SCHEMAS,
  ...TIMELINE_SCHEMAS,
  ...TRACE_SCHEMAS,
  ...RETENTION_SCHEMAS,
  ...ACTIVITY_SCHEMAS,
} satisfies Record<string, JsonSchema>;
