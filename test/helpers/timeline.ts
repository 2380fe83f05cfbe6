/** Helpers for timeline assertions; rows are inserted with test/helpers/factories.ts. */

/** Midnight UTC of the day `offsetDays` from today (negative: in the past), as an ISO string. */
export function utcDay(offsetDays: number, now = new Date()): string {
  const midnight = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
  return new Date(midnight + offsetDays * 86_400_000).toISOString();
}

/** The non-zero buckets of a timeline body, as `{bucket: count}` (compact assertions). */
export function nonZero(data: { bucket: string; count: number }[]): Record<string, number> {
  return Object.fromEntries(data.filter((entry) => entry.count !== 0).map((entry) => [entry.bucket, entry.count]));
}
