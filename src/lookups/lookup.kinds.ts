/**
 * The three lookup tables (resource types, actions, origins) share one shape. Each kind is declared here once;
 * the service, the cache, the resolvers, the REST routes, the loaders and every SQL clause that joins a lookup read
 * their names from this table. Table and column names are constants, never input.
 */
export const LOOKUP_KINDS = {
  resourceType: {
    table: 'resource_types',
    column: 'resource_type_id',
    label: 'resource type',
    plural: 'resourceTypes',
    path: '/api/resource-types',
  },
  action: { table: 'actions', column: 'action_id', label: 'action', plural: 'actions', path: '/api/actions' },
  origin: { table: 'origins', column: 'origin_id', label: 'origin', plural: 'origins', path: '/api/origins' },
} as const;

/** `resourceType`, `action` or `origin`. */
export type LookupKind = keyof typeof LOOKUP_KINDS;

/** Every kind, in the order the API lists them. */
export const LOOKUP_KIND_NAMES = Object.keys(LOOKUP_KINDS) as LookupKind[];

/** True when `value` names a lookup kind (change notifications carry the kind as text). */
export function isLookupKind(value: string): value is LookupKind {
  return Object.prototype.hasOwnProperty.call(LOOKUP_KINDS, value);
}

/** A resource type, action or origin. */
export interface LookupRecord {
  id: string;
  mnemonic: string;
  name: string;
  description: string | null;
  icon: string | null;
  fontColorHex: string | null;
  bgColorHex: string | null;
  isSystem: boolean;
  createdDate: Date;
  updatedDate: Date;
}

/** Raw-SQL column list matching LookupRecord. */
export const LOOKUP_COLUMNS = `id, mnemonic, name, description, icon, font_color_hex AS "fontColorHex",
  bg_color_hex AS "bgColorHex", is_system AS "isSystem", created_date AS "createdDate", updated_date AS "updatedDate"`;
