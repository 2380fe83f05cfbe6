import { anyJson, dateTime, nullable, object, paginationFields, ref, uuid } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

const badge = (prefix: string, label: string): Record<string, JsonSchema> => ({
  [`${prefix}Mnemonic`]: { type: 'string', description: `Mnemonic of the ${label}.` },
  [`${prefix}Icon`]: nullable('string', { description: `Icon of the ${label}.` }),
  [`${prefix}FontColorHex`]: nullable('string', { description: `Badge text colour of the ${label}.` }),
  [`${prefix}BgColorHex`]: nullable('string', { description: `Badge background colour of the ${label}.` }),
});
const storedFields: Record<string, JsonSchema> = {
  interactionId: { ...uuid, description: 'Id of the interaction.' },
  interactionNumber: {
    type: 'integer',
    description: 'Increasing number given at insert; gaps are normal (rolled-back or failed inserts).',
  },
  resourceId: { type: 'string', description: 'Your identifier of the resource acted on.' },
  resourceTypeId: uuid,
  actionId: uuid,
  originId: uuid,
};
const trailingFields: Record<string, JsonSchema> = {
  uowId: { ...uuid, description: 'Unit of work (trace) the interaction belongs to.' },
  userId: nullable('string', { description: 'Who acted, from x-userid.' }),
  createdDate: { ...dateTime, description: 'When the service stored it.' },
  interactionTimestamp: nullable('string', {
    format: 'date-time',
    description: 'When it happened, from x-interaction-timestamp; null when not given.',
  }),
};

/** The component schemas of the interaction routes (OpenAPI `components.schemas`): they document and validate. */
/** The members of a list item (and of an export line). */
const listItemProperties: Record<string, JsonSchema> = {
  ...storedFields,
  ...badge('resourceType', 'resource type'),
  ...badge('action', 'action'),
  ...badge('origin', 'origin'),
  interaction: anyJson,
  externalReference: nullable('string'),
  externalResponse: anyJson,
  ...trailingFields,
};

export const INTERACTION_SCHEMAS = {
  InteractionPagination: object(
    {
      ...paginationFields,
      nextCursor: nullable('string', {
        description: 'Opaque cursor after the last item of this page (pass it as `cursor`); null on the last page.',
      }),
    },
    "With `cursor`, `page` counts the pages of the walk (the cursor's page + 1), `hasNext` says whether rows follow, `hasPrev` is true, and `total`/`totalPages` count all matches now.",
  ),
  CreateInteraction: {
    type: 'object',
    description:
      'For each of resourceType, action and origin give the mnemonic, the UUID (…Id) or both (they must name the same row).',
    properties: {
      resourceId: { type: 'string', minLength: 1, maxLength: 512, description: "Your resource's identifier." },
      resourceType: nullable('string', { description: 'Resource type mnemonic (null: not given).' }),
      resourceTypeId: nullable('string', { format: 'uuid', description: 'Resource type id (null: not given).' }),
      action: nullable('string', { description: 'Action mnemonic (null: not given).' }),
      actionId: nullable('string', { format: 'uuid', description: 'Action id (null: not given).' }),
      origin: nullable('string', { description: 'Origin mnemonic (null: not given).' }),
      originId: nullable('string', { format: 'uuid', description: 'Origin id (null: not given).' }),
      interaction: anyJson,
      externalReference: nullable('string', { minLength: 1, maxLength: 512 }),
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
    description:
      'Up to 1,000 interactions, recorded all or none; each may carry uowId, userId and interactionTimestamp.',
    properties: {
      interactions: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          allOf: [{ $ref: '#/components/schemas/CreateInteraction' }],
          properties: {
            uowId: nullable('string', {
              format: 'uuid',
              description: 'Unit of work; the x-uowid header or a new one when absent.',
            }),
            userId: nullable('string', { maxLength: 256, description: 'Who acted; the x-userid header when absent.' }),
            interactionTimestamp: nullable('string', {
              description: 'ISO-8601 date-time with a zone, or epoch milliseconds; the header when absent.',
            }),
          },
        },
      },
    },
    required: ['interactions'],
  },
  CreatedInteractionBatch: object(
    { data: { type: 'array', items: ref('CreatedInteraction') } },
    'The interactions as stored, in input order.',
  ),
  InteractionListItem: object(
    listItemProperties,
    'An interaction with the mnemonic, icon and colours of its lookups joined in.',
  ),
  InteractionExportItem: {
    type: 'object',
    description: 'One line of an export: a list item; in feed order (`order=feed`) with its feed cursor too.',
    properties: {
      ...listItemProperties,
      feedCursor: { type: 'string', description: "The row's position in the live feed (order=feed only)." },
    },
    required: Object.keys(listItemProperties),
    additionalProperties: false,
  },
  InteractionPage: object({
    data: { type: 'array', items: ref('InteractionListItem') },
    pagination: ref('InteractionPagination'),
  }),
} satisfies Record<string, JsonSchema>;
