import { AppError } from '../errors/app-error';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The timeline's bucket sizes, finest first, declared once: the parser, the planner, the SQL, the GraphQL
 * description and the OpenAPI enum all read this table. Each step divides a UTC day, so flooring epoch
 * milliseconds aligns buckets to UTC. `upToSpanMs`: the coarsest span this size is chosen for when the caller gives
 * a range without a granularity.
 */
export const GRANULARITIES = {
  '15min': { stepMs: 15 * 60_000, sql: '15 minutes', upToSpanMs: 6 * HOUR_MS },
  hour: { stepMs: HOUR_MS, sql: '1 hour', upToSpanMs: 2 * DAY_MS },
  '6hour': { stepMs: 6 * HOUR_MS, sql: '6 hours', upToSpanMs: 14 * DAY_MS },
  day: { stepMs: DAY_MS, sql: '1 day', upToSpanMs: Infinity },
} as const;

/** `15min`, `hour`, `6hour` or `day`. */
export type Granularity = keyof typeof GRANULARITIES;

/** Every granularity, finest first. */
export const GRANULARITY_NAMES = Object.keys(GRANULARITIES) as Granularity[];

const spanText = (ms: number) => (ms % DAY_MS === 0 ? `${ms / DAY_MS} days` : `${ms / HOUR_MS} h`);

/** The values and the span rule as documentation reads them: "15min, hour, 6hour or day; … (≤ 6 h → 15min, …)". */
export const GRANULARITY_RULE = `${GRANULARITY_NAMES.slice(0, -1).join(', ')} or ${GRANULARITY_NAMES.at(-1)}; chosen from the span when absent (${GRANULARITY_NAMES.map(
  (name) =>
    Number.isFinite(GRANULARITIES[name].upToSpanMs)
      ? `≤ ${spanText(GRANULARITIES[name].upToSpanMs)} → ${name}`
      : `else ${name}`,
).join(', ')})`;

/** The granularity named by `value`, null when absent, VALIDATION_ERROR listing the allowed values otherwise. */
export function parseGranularity(value: string | null | undefined): Granularity | null {
  if (value == null || value === '') return null;
  if (!Object.prototype.hasOwnProperty.call(GRANULARITIES, value)) {
    throw new AppError('VALIDATION_ERROR', `granularity must be one of ${GRANULARITY_NAMES.join(', ')}`, {
      field: 'granularity',
      allowed: GRANULARITY_NAMES,
    });
  }
  return value as Granularity;
}

/** The finest granularity whose span rule covers `spanMs`. */
export function granularityForSpan(spanMs: number): Granularity {
  return GRANULARITY_NAMES.find((name) => spanMs <= GRANULARITIES[name].upToSpanMs) ?? 'day';
}
