import { AppError } from '../errors/app-error';
import { parseDateRange } from '../input/date-range';
import {
  GRANULARITIES,
  GRANULARITY_NAMES,
  granularityForSpan,
  parseGranularity,
  type Granularity,
} from '../input/granularity';
import { parseInteractionFilter, type ParsedInteractionFilter } from '../interactions/interaction.filter';
import type { InteractionFilter } from '../interactions/interaction.filter';

const DAY_MS = GRANULARITIES.day.stepMs;

/** At most this many buckets per answer; more is a 400 naming the granularity to use instead. */
export const MAX_BUCKETS = 10_000;
export const DEFAULT_DAYS = 90;
export const MAX_DAYS = 3650;

/** The timeline's filter: every filter of the interaction list but its date range (the timeline has its own). */
export type TimelineFilter = Omit<InteractionFilter, 'startDate' | 'endDate'>;

export interface GetTimelineOptions {
  /** Whole UTC days ending with today (1–3650); default 90 when no range is given. */
  days?: number | null;
  /** Range start (ISO date or date-time); needs `endDate`. */
  startDate?: string | null;
  /** Range end (ISO date or date-time, a date-only value includes that whole UTC day); needs `startDate`. */
  endDate?: string | null;
  /** `15min`, `hour`, `6hour` or `day`; chosen from the span when absent (`day` for `days`). */
  granularity?: string | null;
  filter?: TimelineFilter | null;
  /** The current time (tests); default `new Date()`. */
  now?: Date;
}

/** A resolved request: aligned range `[start, end)` in epoch ms, bucket size, parsed filter. */
export interface TimelinePlan {
  granularity: Granularity;
  start: number;
  end: number;
  filter: ParsedInteractionFilter;
}

/** Turns the options into an aligned range; every validation rule of the timeline lives here. */
export function planTimeline({
  days,
  startDate,
  endDate,
  granularity: granularityInput,
  filter,
  now = new Date(),
}: GetTimelineOptions): TimelinePlan {
  const explicit = parseGranularity(granularityInput);
  const hasRange = startDate != null || endDate != null;
  let granularity: Granularity;
  let start: number;
  let end: number;
  if (hasRange) {
    if (days != null) {
      throw new AppError('VALIDATION_ERROR', 'Give either days or startDate and endDate, not both', { field: 'days' });
    }
    if (startDate == null || endDate == null) {
      const field = startDate == null ? 'startDate' : 'endDate';
      throw new AppError('VALIDATION_ERROR', 'startDate and endDate go together', { field });
    }
    const range = parseDateRange({ startDate, endDate });
    const from = range.start as number;
    const to = range.end as number;
    // The span as the caller named it: to a date-time end itself, to the midnight after a date-only end.
    granularity = explicit ?? granularityForSpan((range.endIsDate ? to : to - 1) - from);
    const step = GRANULARITIES[granularity].stepMs;
    start = Math.floor(from / step) * step;
    end = Math.ceil(to / step) * step;
  } else {
    const count = days ?? DEFAULT_DAYS;
    if (!Number.isInteger(count) || count < 1 || count > MAX_DAYS) {
      throw new AppError('VALIDATION_ERROR', `days must be an integer from 1 to ${MAX_DAYS}`, { field: 'days' });
    }
    granularity = explicit ?? 'day';
    end = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
    start = end - count * DAY_MS;
  }
  const buckets = (end - start) / GRANULARITIES[granularity].stepMs;
  if (buckets > MAX_BUCKETS) throw tooManyBuckets(granularity, start, end, buckets);
  const { startDate: _start, endDate: _end, ...rest } = (filter ?? {}) as InteractionFilter;
  return { granularity, start, end, filter: parseInteractionFilter(rest) };
}

function tooManyBuckets(granularity: Granularity, start: number, end: number, buckets: number): AppError {
  const coarser = GRANULARITY_NAMES.slice(GRANULARITY_NAMES.indexOf(granularity) + 1).find((name) => {
    const step = GRANULARITIES[name].stepMs;
    return Math.ceil(end / step) - Math.floor(start / step) <= MAX_BUCKETS;
  });
  const details = { field: 'granularity', buckets, maxBuckets: MAX_BUCKETS, suggestedGranularity: coarser ?? null };
  if (!coarser) {
    return new AppError('VALIDATION_ERROR', `The range spans more than ${MAX_BUCKETS} days; shorten it`, details);
  }
  return new AppError(
    'VALIDATION_ERROR',
    `The range gives ${buckets} buckets of ${granularity} (at most ${MAX_BUCKETS}); use granularity=${coarser} or coarser`,
    details,
  );
}
