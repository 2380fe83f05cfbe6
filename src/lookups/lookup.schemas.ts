import { dateTime, nullable, object, ref, uuid } from '../rest/schema';
import type { JsonSchema } from '../rest/route';

const lookupInputProperties: Record<string, JsonSchema> = {
  mnemonic: nullable('string', {
    pattern: '^\\s*[A-Za-z][A-Za-z0-9_]{0,63}\\s*$',
    description: 'Trimmed and upper-cased on input. Required on create.',
  }),
  name: nullable('string', { description: 'Display name; defaults to the mnemonic.' }),
  description: nullable('string', { maxLength: 2000 }),
  icon: nullable('string', { maxLength: 32, description: 'Emoji or short text.' }),
  fontColorHex: nullable('string', { description: '#rgb or #rrggbb.' }),
  bgColorHex: nullable('string', { description: '#rgb or #rrggbb.' }),
};

/** The component schemas of the lookup routes (OpenAPI `components.schemas`): they document and validate. */
export const LOOKUP_SCHEMAS = {
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
} satisfies Record<string, JsonSchema>;
