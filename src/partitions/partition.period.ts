/** How much time one partition of `interactions` holds. */
export const PARTITION_INTERVALS = ['day', 'week', 'month'] as const;
export type PartitionInterval = (typeof PARTITION_INTERVALS)[number];

/** A half-open UTC time range [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/** Start of the UTC period holding `at`: midnight, Monday midnight (ISO week) or the first of the month. */
export function periodStart(interval: PartitionInterval, at: number): number {
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  if (interval === 'day') return day;
  if (interval === 'week') return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** Start of the period after the one starting at `start`. */
export function nextPeriod(interval: PartitionInterval, start: number): number {
  if (interval === 'day') return start + DAY_MS;
  if (interval === 'week') return start + 7 * DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The period holding `at` and the `ahead` periods after it. */
export function periodsAhead(interval: PartitionInterval, at: number, ahead: number): TimeRange[] {
  const ranges: TimeRange[] = [];
  let start = periodStart(interval, at);
  for (let i = 0; i <= ahead; i += 1) {
    const end = nextPeriod(interval, start);
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

/**
 * The parts of `range` no range of `taken` covers, in order. A change of PARTITION_INTERVAL (a month partition
 * exists, days are wanted) then fills only the gaps instead of failing on an overlap.
 */
export function uncovered(range: TimeRange, taken: readonly TimeRange[]): TimeRange[] {
  let pieces: TimeRange[] = [range];
  for (const t of taken) {
    pieces = pieces.flatMap((p) => {
      if (t.end <= p.start || t.start >= p.end) return [p];
      const left = t.start > p.start ? [{ start: p.start, end: t.start }] : [];
      const right = t.end < p.end ? [{ start: t.end, end: p.end }] : [];
      return [...left, ...right];
    });
  }
  return pieces;
}

/** Name of the partition starting at `start`: `interactions_pYYYYMMDD`. */
export function partitionName(start: number): string {
  return `interactions_p${new Date(start).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** A UTC timestamp literal PostgreSQL reads the same whatever the session's time zone. */
export function boundLiteral(at: number): string {
  return `${new Date(at).toISOString().replace('T', ' ').replace('Z', '')}+00`;
}
