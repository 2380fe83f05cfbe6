import type { ErrorCode } from '../errors/app-error';
import type { JsonSchema, RestParam } from './route';

/**
 * Component schemas shared by the routes' OpenAPI metadata (JSON Schema 2020-12, as OpenAPI 3.1 uses it). Routes
 * point at them with `ref('Name')`; src/rest/openapi.ts puts them under `components.schemas`.
 */

/** `{ $ref }` to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const uuid: JsonSchema = { type: 'string', format: 'uuid' };
/** Any JSON value (the `interaction` and `externalResponse` payloads). */
const anyJson: JsonSchema = { description: 'Any JSON value, stored as given.' };

function object(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

const paginationFields: Record<string, JsonSchema> = {
  page: { type: 'integer', minimum: 1 },
  limit: { type: 'integer', minimum: 1 },
  total: { type: 'integer', minimum: 0 },
  totalPages: { type: 'integer', minimum: 0 },
  hasNext: { type: 'boolean' },
  hasPrev: { type: 'boolean' },
};

const badge = (prefix: string, label: string): Record<string, JsonSchema> => ({
  [`${prefix}Mnemonic`]: { type: 'string', description: `Mnemonic of the ${label}.` },
  [`${prefix}Icon`]: nullable('string', { description: `Icon of the ${label}.` }),
  [`${prefix}FontColorHex`]: nullable('string', { description: `Badge text colour of the ${label}.` }),
  [`${prefix}BgColorHex`]: nullable('string', { description: `Badge background colour of the ${label}.` }),
});

const storedFields: Record<string, JsonSchema> = {
  interactionId: { ...uuid, description: 'Id of the interaction.' },
  interactionNumber: { type: 'integer', description: 'Increasing number given at insert; gaps are normal (rolled-back or failed inserts).' },
  resourceId: { type: 'string', description: 'Your identifier of the resource acted on.' },
  resourceTypeId: uuid,
  actionId: uuid,
  originId: uuid,
};

const trailingFields: Record<string, JsonSchema> = {
  uowId: { ...uuid, description: 'Unit of work (trace) the interaction belongs to.' },
  userId: nullable('string', { description: 'Who acted, from x-userid.' }),
  createdDate: { ...dateTime, description: 'When the service stored it.' },
  interactionTimestamp: nullable('string', { format: 'date-time', description: 'When it happened, from x-interaction-timestamp; null when not given.' }),
};

const lookupInputProperties: Record<string, JsonSchema> = {
  mnemonic: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'Upper-cased on input. Required on create.' },
  name: nullable('string', { description: 'Display name; defaults to the mnemonic.' }),
  description: nullable('string', { maxLength: 2000 }),
  icon: nullable('string', { maxLength: 32, description: 'Emoji or short text.' }),
  fontColorHex: nullable('string', { description: '#rgb or #rrggbb.' }),
  bgColorHex: nullable('string', { description: '#rgb or #rrggbb.' }),
};

const apiKeyProperties: Record<string, JsonSchema> = {
  id: uuid,
  name: { type: 'string' },
  prefix: { type: 'string', description: 'First characters of the key, to recognise it.' },
  scopes: { type: 'array', items: { enum: ['read', 'write', 'admin'] } },
  createdDate: dateTime,
  lastUsedDate: nullable('string', { format: 'date-time' }),
  revokedDate: nullable('string', { format: 'date-time' }),
};

/** Every error code, in the order of the Error schema's enum. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'VALIDATION_ERROR',
  'UNKNOWN_LOOKUP',
  'LOOKUP_MISMATCH',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
];

/** Every component schema of the document, by name. */
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
  InteractionPagination: object(
    {
      ...paginationFields,
      nextCursor: nullable('string', {
        description: 'Opaque cursor after the last item of this page (pass it as `cursor`); null on the last page.',
      }),
    },
    'With `cursor`, `page` counts the pages of the walk (the cursor\'s page + 1), `hasNext` says whether rows follow, `hasPrev` is true, and `total`/`totalPages` count all matches now.',
  ),
  CreateInteraction: {
    type: 'object',
    description:
      'For each of resourceType, action and origin give the mnemonic, the UUID (…Id) or both (they must name the same row).',
    properties: {
      resourceId: { type: 'string', minLength: 1, maxLength: 512 },
      resourceType: { type: 'string' },
      resourceTypeId: uuid,
      action: { type: 'string' },
      actionId: uuid,
      origin: { type: 'string' },
      originId: uuid,
      interaction: anyJson,
      externalReference: { type: 'string' },
      externalResponse: anyJson,
    },
    required: ['resourceId'],
  },
  CreatedInteraction: object(
    {
      ...storedFields,
      interaction: anyJson,
      externalReference: nullable('string'),
      ...trailingFields,
    },
    'The interaction as stored.',
  ),
  CreateInteractionBatch: {
    type: 'object',
    description: 'Up to 1,000 interactions, recorded all or none; each may carry uowId, userId and interactionTimestamp.',
    properties: {
      interactions: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          allOf: [{ $ref: '#/components/schemas/CreateInteraction' }],
          properties: {
            uowId: { type: 'string', format: 'uuid' },
            userId: { type: 'string' },
            interactionTimestamp: { type: 'string', description: 'ISO-8601 or epoch milliseconds.' },
          },
        },
      },
    },
    required: ['interactions'],
  },
  CreatedInteractionBatch: object({ data: { type: 'array', items: ref('CreatedInteraction') } }, 'The interactions as stored, in input order.'),
  InteractionListItem: object(
    {
      ...storedFields,
      ...badge('resourceType', 'resource type'),
      ...badge('action', 'action'),
      ...badge('origin', 'origin'),
      interaction: anyJson,
      externalReference: nullable('string'),
      externalResponse: anyJson,
      ...trailingFields,
    },
    'An interaction with the mnemonic, icon and colours of its lookups joined in.',
  ),
  InteractionPage: object({ data: { type: 'array', items: ref('InteractionListItem') }, pagination: ref('InteractionPagination') }),
  Lookup: object({
    id: uuid,
    mnemonic: { type: 'string' },
    name: { type: 'string' },
    description: nullable('string'),
    icon: nullable('string'),
    fontColorHex: nullable('string'),
    bgColorHex: nullable('string'),
    isSystem: { type: 'boolean', description: 'Ships with the service; cannot be deleted or renamed.' },
    createdDate: dateTime,
    updatedDate: dateTime,
  }),
  LookupList: object({ data: { type: 'array', items: ref('Lookup') } }),
  LookupInput: {
    type: 'object',
    description: 'On update, omitted fields stay as they are and null clears.',
    properties: lookupInputProperties,
  },
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
  Timeline: object({
    granularity: { enum: ['15min', 'hour', '6hour', 'day'] },
    startDate: dateTime,
    endDate: dateTime,
    refreshedAt: nullable('string', { format: 'date-time', description: 'Last refresh of the daily counts.' }),
    data: { type: 'array', items: object({ bucket: dateTime, count: { type: 'integer', minimum: 0 } }) },
  }),
  TimelineRefresh: object({ refreshedAt: dateTime, durationMs: { type: 'integer', minimum: 0 } }),
  Trace: object({
    uowId: uuid,
    data: { type: 'array', items: ref('InteractionListItem') },
    pagination: ref('Pagination'),
  }),
  TraceTimeline: object({
    uowId: uuid,
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
  }),
  ActivityQuery: {
    type: 'object',
    properties: {
      resources: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          properties: { resourceId: { type: 'string' }, resourceType: { type: 'string', description: 'Mnemonic.' } },
          required: ['resourceId'],
        },
      },
      startDate: { type: 'string', description: 'ISO date or date-time.' },
      endDate: { type: 'string', description: 'ISO date or date-time; a date-only value includes that whole UTC day.' },
      page: { type: 'integer', minimum: 1 },
      limit: { type: 'integer', minimum: 1 },
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
        firstInteractionAt: dateTime,
        lastInteractionAt: dateTime,
        resources: { type: 'array', items: object({ resourceId: { type: 'string' }, resourceType: { type: 'string' } }) },
        actions: { type: 'array', items: { type: 'string' } },
      }),
    },
    pagination: ref('Pagination'),
  }),
} satisfies Record<string, JsonSchema>;

/** Shared parameters. */
export const PARAMS = {
  id: (label: string): RestParam => ({ name: 'id', in: 'path', required: true, description: `Id of the ${label}.`, schema: uuid }),
  uowId: { name: 'uowId', in: 'path', required: true, description: 'Unit of work (trace) id.', schema: uuid } as RestParam,
  page: { name: 'page', in: 'query', description: 'Page number, from 1 (default 1).', schema: { type: 'integer', minimum: 1 } } as RestParam,
  limit: (defaultLimit: number, max: number): RestParam => ({
    name: 'limit',
    in: 'query',
    description: `Page size (default ${defaultLimit}; above ${max} → ${max}).`,
    schema: { type: 'integer', minimum: 1 },
  }),
  query: (name: string, description: string, schema: JsonSchema = { type: 'string' }): RestParam => ({ name, in: 'query', description, schema }),
  header: (name: string, description: string, schema: JsonSchema = { type: 'string' }): RestParam => ({ name, in: 'header', description, schema }),
};
