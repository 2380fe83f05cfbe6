import { parseDateRange, type DateRange } from '../input/date-range';
import { parseMnemonic } from '../input/mnemonic';
import { parseNulFree } from '../input/text';
import { parseUuid } from '../input/uuid';
import { LOOKUP_KINDS, type LookupKind } from '../lookups/lookup.kinds';
import type { InteractionRecord } from './interaction.model';

/**
 * The interaction filter, declared once. Each entry is one filter of the list (and of everything that takes the
 * list's filter: counts, the timeline, exports, the live feed): its name (the GraphQL input field and the REST query
 * parameter), its description (both APIs' documentation), the JSON Schema of the REST parameter, how its value is
 * parsed, its SQL clause and the stored field it compares. `defineFilters` requires a clause and a field for every
 * key, so a filter without one does not compile; the date range (`startDate`, `endDate`) is one rule of its own (src/input/date-range.ts).
 */
export interface FilterSpec {
  description: string;
  /** JSON Schema of the value as a REST query parameter (always a string). */
  schema: { type: 'string'; format?: 'uuid' };
  /** The value checked and normalised (VALIDATION_ERROR naming `field` otherwise); the clause's parameter. */
  parse: (value: string, field: string) => string;
  /** The WHERE condition on `interactions` for a parameter placeholder such as `$3`. */
  clause: (placeholder: string) => string;
  /**
   * The stored field the clause compares, for matching rows already in memory (the live feed fans rows out to
   * subscribers without a query each); a lookup filter compares this id field with the id its mnemonic names.
   */
  field: keyof InteractionRecord;
  /** The lookup kind a filter selects by mnemonic: the timeline's daily counts can answer it. */
  lookup?: LookupKind;
}

/** Checks, at compile time, that every filter has a spec with a SQL clause; returns the table as given. */
export function defineFilters<K extends string>(specs: { [P in K]: FilterSpec }): { readonly [P in K]: FilterSpec } {
  return specs;
}

// Exact-match text: any value is a question (an empty one matches nothing), but PostgreSQL cannot hold a NUL.
const text: FilterSpec['parse'] = parseNulFree;

function lookupFilter(kind: LookupKind, description: string): FilterSpec {
  const { table, column } = LOOKUP_KINDS[kind];
  return {
    description,
    schema: { type: 'string' },
    parse: parseMnemonic,
    clause: (p) => `${column} = (SELECT id FROM ${table} WHERE mnemonic = ${p})`,
    field: `${kind}Id`,
    lookup: kind,
  };
}

/** Every filter of the list but the date range, in the order the APIs document them. */
export const INTERACTION_FILTERS = defineFilters({
  resourceId: {
    description: 'Exact resource id.',
    schema: { type: 'string' },
    parse: text,
    clause: (p) => `resource_id = ${p}`,
    field: 'resourceId',
  },
  interactionId: {
    description: 'Exact interaction id (UUID).',
    schema: { type: 'string', format: 'uuid' },
    parse: parseUuid,
    clause: (p) => `id = ${p}::uuid`,
    field: 'id',
  },
  uowId: {
    description: 'Unit of work (UUID).',
    schema: { type: 'string', format: 'uuid' },
    parse: parseUuid,
    clause: (p) => `uow_id = ${p}::uuid`,
    field: 'uowId',
  },
  externalReference: {
    description: 'Exact external reference.',
    schema: { type: 'string' },
    parse: text,
    clause: (p) => `external_reference = ${p}`,
    field: 'externalReference',
  },
  userId: {
    description: 'Exact user id.',
    schema: { type: 'string' },
    parse: text,
    clause: (p) => `user_id = ${p}`,
    field: 'userId',
  },
  action: lookupFilter('action', 'Action mnemonic; an unknown one matches nothing.'),
  resourceType: lookupFilter('resourceType', 'Resource type mnemonic; an unknown one matches nothing.'),
  origin: lookupFilter('origin', 'Origin mnemonic; an unknown one matches nothing.'),
});

/** A filter key other than the date range. */
export type InteractionFilterKey = keyof typeof INTERACTION_FILTERS;

/** The date range filters: created on or after / on or before (src/input/date-range.ts). */
export const DATE_RANGE_FILTERS = {
  startDate: 'Created on or after: ISO date or date-time.',
  endDate: 'Created on or before: ISO date-time, or ISO date meaning that whole UTC day.',
} as const;

/** Filters of the interaction list as callers send them; every one optional, all combined with AND. */
export type InteractionFilter = { [K in FilterName]?: string | null };

/** A filter's name: the GraphQL input field and the REST query parameter. */
export type FilterName = InteractionFilterKey | keyof typeof DATE_RANGE_FILTERS;

/** Every filter name, date range last: the REST query parameters and the GraphQL input fields, in order. */
export const FILTER_NAMES: readonly FilterName[] = [
  ...(Object.keys(INTERACTION_FILTERS) as InteractionFilterKey[]),
  ...(Object.keys(DATE_RANGE_FILTERS) as (keyof typeof DATE_RANGE_FILTERS)[]),
];

/** A filter parsed once: each given value checked and normalised, the date range as half-open instants. */
export interface ParsedInteractionFilter {
  values: Partial<Record<InteractionFilterKey, string>>;
  range: DateRange;
}

/** Parses every given filter value (VALIDATION_ERROR naming the first bad field). */
export function parseInteractionFilter(filter: InteractionFilter = {}): ParsedInteractionFilter {
  const values: Partial<Record<InteractionFilterKey, string>> = {};
  for (const key of Object.keys(INTERACTION_FILTERS) as InteractionFilterKey[]) {
    const value = filter[key];
    if (value != null) values[key] = INTERACTION_FILTERS[key].parse(value, key);
  }
  return { values, range: parseDateRange(filter) };
}

/** True when only lookups and the date range are set: what the timeline's daily counts can answer. */
export function isLookupOnlyFilter({ values }: ParsedInteractionFilter): boolean {
  return (Object.keys(values) as InteractionFilterKey[]).every((key) => INTERACTION_FILTERS[key].lookup !== undefined);
}

/**
 * The conditions of a parsed filter on `interactions`, with its values pushed onto `params` (values only ever travel
 * as parameters). `range: false` leaves the date range out (callers that bound the time themselves).
 */
export function filterConditions(
  { values, range }: ParsedInteractionFilter,
  params: unknown[],
  { range: withRange = true, pruneWhenRun = false }: { range?: boolean; pruneWhenRun?: boolean } = {},
): string[] {
  const conditions: string[] = [];
  const add = (value: unknown) => `$${params.push(value)}`;
  for (const key of Object.keys(values) as InteractionFilterKey[]) {
    conditions.push(INTERACTION_FILTERS[key].clause(add(values[key])));
  }
  // With `pruneWhenRun` a bound is a one-row subquery: the plan is made without its value and prunes partitions when
  // it runs, so the plan made for one range is as cheap as one made for its values, and PostgreSQL keeps it (ADR 112).
  const bound = (value: number) =>
    pruneWhenRun ? `(SELECT ${add(new Date(value))}::timestamptz)` : add(new Date(value));
  if (withRange && range.start !== null) conditions.push(`created_date >= ${bound(range.start)}`);
  if (withRange && range.end !== null) conditions.push(`created_date < ${bound(range.end)}`);
  return conditions;
}

/** `WHERE …` of a parsed filter (empty without conditions), and its parameters. */
export function interactionWhere(filter: ParsedInteractionFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** Every filter's description by name, date range included (the GraphQL input and the OpenAPI parameters). */
export const FILTER_DESCRIPTIONS: Record<FilterName, string> = {
  ...(Object.fromEntries(Object.entries(INTERACTION_FILTERS).map(([name, spec]) => [name, spec.description])) as Record<
    InteractionFilterKey,
    string
  >),
  ...DATE_RANGE_FILTERS,
};
