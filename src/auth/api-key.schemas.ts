import { dateTime, nullable, object, ref, uuid } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

const apiKeyProperties: Record<string, JsonSchema> = {
  id: uuid,
  name: { type: 'string' },
  prefix: { type: 'string', description: 'First characters of the key, to recognise it.' },
  scopes: { type: 'array', items: { enum: ['read', 'write', 'admin'] } },
  createdDate: dateTime,
  lastUsedDate: nullable('string', { format: 'date-time' }),
  revokedDate: nullable('string', { format: 'date-time' }),
};

/** The component schemas of the api-key routes (OpenAPI `components.schemas`): they document and validate. */
export const API_KEY_SCHEMAS = {
  ApiKey: object(apiKeyProperties, 'An API key as listed: never the key or its hash.'),
  ApiKeyList: object({ data: { type: 'array', items: ref('ApiKey') } }),
  CreatedApiKey: object(
    { ...apiKeyProperties, key: { type: 'string', description: 'Send as x-api-key. Shown this once.' } },
    'A new key, with its value shown this once.',
  ),
  CreateApiKey: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      scopes: {
        oneOf: [
          { type: 'array', items: { enum: ['read', 'write', 'admin'] }, minItems: 1 },
          { type: 'string', description: 'Comma-separated, e.g. "read,write".' },
        ],
      },
    },
    required: ['name', 'scopes'],
  },
} satisfies Record<string, JsonSchema>;
