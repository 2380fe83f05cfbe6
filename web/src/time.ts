/** Time presets of the filters: a window ending now. */
export const PRESETS = [
  { id: '5m', label: '5 min', ms: 5 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '24h', label: '24 hours', ms: 86_400_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: '90 days', ms: 90 * 86_400_000 },
] as const;

export interface TimeRange {
  startDate?: string;
  endDate?: string;
}

/** The range a URL names: `range=<preset>` ending now, `range=custom` with startDate/endDate, or all time. */
export function rangeFromSearch(search: URLSearchParams, now: number): TimeRange {
  const range = search.get('range');
  const preset = PRESETS.find((p) => p.id === range);
  if (preset) return { startDate: new Date(now - preset.ms).toISOString(), endDate: new Date(now).toISOString() };
  if (range === 'custom') {
    return { startDate: search.get('startDate') || undefined, endDate: search.get('endDate') || undefined };
  }
  return {};
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** "3 minutes ago", "yesterday". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return relative.format(seconds, 'second');
}

const short = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "20 Nov, 10:00" (axis labels). */
export function formatShort(iso: string): string {
  return short.format(new Date(iso));
}

export function formatAbsolute(iso: string): string {
  return absolute.format(new Date(iso));
}

/** "850 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The timeline's bucket sizes and their lengths, as the service declares them (src/input/granularity.ts). Written out
 * here because the schema cannot carry them: GraphQL enum values may not start with a digit (`15min`, `6hour`), so
 * `granularity` is a String there and codegen has no union to give. test/timeline/granularity-copies.test.ts fails
 * when this copy and the service's declaration differ.
 */
export const GRANULARITY_MS = {
  '15min': 15 * 60_000,
  hour: 3_600_000,
  '6hour': 6 * 3_600_000,
  day: 86_400_000,
} as const;

/** `15min`, `hour`, `6hour` or `day`. */
export type Granularity = keyof typeof GRANULARITY_MS;

/** Length of one bucket of a timeline granularity; a day for a name this console does not know. */
export function granularityMs(granularity: string): number {
  return Object.prototype.hasOwnProperty.call(GRANULARITY_MS, granularity)
    ? GRANULARITY_MS[granularity as Granularity]
    : GRANULARITY_MS.day;
}

/** ISO string → the value of a datetime-local input (local time) and back. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * A custom range's "To" minute is where the range stops: 09:00 to 10:00 is the hour before 10:00. The API's endDate
 * is inclusive, so the URL holds the last millisecond before it (as a clicked bar does); without this a range
 * ending at 10:00 drew an extra 10:00–10:15 bucket (ADR 087).
 */
export function endFromLocalInput(value: string): string | undefined {
  const iso = fromLocalInput(value);
  return iso === undefined ? undefined : new Date(Date.parse(iso) - 1).toISOString();
}

/** The "To" input's value for an inclusive endDate: the minute after its last millisecond. */
export function endToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : toLocalInput(new Date(ms + 1).toISOString());
}
