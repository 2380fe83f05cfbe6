import type { InteractionFilterInput } from '../generated/graphql';
import { rangeFromSearch } from '../time';

/** Text filters of the interaction list, in the URL under the API's own names. */
export const TEXT_FILTERS = [
  { name: 'resourceId', label: 'Resource id' },
  { name: 'userId', label: 'User id' },
  { name: 'uowId', label: 'Unit of work (uowId)' },
  { name: 'interactionId', label: 'Interaction id' },
  { name: 'externalReference', label: 'External reference' },
] as const;

/** Lookup filters (mnemonics), also in the URL under the API's names. */
export const LOOKUP_FILTERS = [
  { name: 'resourceType', label: 'Resource type', kind: 'resourceType', list: 'resourceTypes' },
  { name: 'action', label: 'Action', kind: 'action', list: 'actions' },
  { name: 'origin', label: 'Origin', kind: 'origin', list: 'origins' },
] as const;

/** Every parameter the interactions view keeps in its URL. */
export const VIEW_PARAMS = [
  ...TEXT_FILTERS.map((f) => f.name),
  ...LOOKUP_FILTERS.map((f) => f.name),
  'range',
  'startDate',
  'endDate',
  'page',
  'limit',
];

/** The API filter a URL describes; presets are resolved against `now`. */
export function filterFromSearch(search: URLSearchParams, now: number): InteractionFilterInput {
  const filter: InteractionFilterInput = { ...rangeFromSearch(search, now) };
  for (const { name } of [...TEXT_FILTERS, ...LOOKUP_FILTERS]) {
    const value = search.get(name)?.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

/** A positive integer URL parameter, or the fallback. */
export function intParam(search: URLSearchParams, name: string, fallback: number): number {
  const value = Number(search.get(name));
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The current URL's parameters with some changed (undefined/'' removes one), as a path?query. */
export function withParams(
  path: string,
  search: URLSearchParams,
  changes: Record<string, string | number | undefined>,
) {
  const next = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(name);
    else next.set(name, String(value));
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}
