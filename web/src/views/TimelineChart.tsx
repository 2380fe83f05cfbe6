import { useMemo } from 'react';
import { describeError } from '../api';
import { ConsoleTimelineDocument, type InteractionFilterInput } from '../generated/graphql';
import { navigate, useLocation } from '../router';
import { formatAbsolute, formatShort, granularityMs, type Granularity } from '../time';
import { useQuery } from '../useQuery';
import { withParams } from './filters';

// Keyed by the console's one list of bucket sizes (web/src/time.ts): a size added there without a label does not compile.
const LABEL: Record<Granularity, string> = { '15min': '15 minutes', hour: 'hour', '6hour': '6 hours', day: 'day' };

/** Days the "All" range asks for: the API's maximum; empty days before the first interaction are not drawn. */
const ALL_DAYS = 3650;
/** Buckets drawn at least for "All", so a young installation still shows a month. */
const ALL_MIN_BUCKETS = 30;

/**
 * Counts over time for the current range and every list filter, in the bucket size the API picks, so the chart
 * answers the same question as the table (ADR 087). A bar is a button: it narrows the range to that bucket.
 * "All" covers all data: up to ten years, drawn from the first day with an interaction. `defer` holds the request
 * back: on the first load the table's query goes first (the embedded database answers one query at a time).
 */
export function TimelineChart({ filter, defer = false }: { filter: InteractionFilterInput; defer?: boolean }) {
  const { search } = useLocation();
  const variables = useMemo(() => {
    const { startDate, endDate, ...listFilter } = filter;
    return {
      ...(startDate ? { startDate, endDate: endDate ?? new Date().toISOString() } : { days: ALL_DAYS }),
      filter: listFilter,
    };
  }, [filter]);
  const all = !filter.startDate;
  const { data, error } = useQuery(ConsoleTimelineDocument, variables, defer);
  if (error) {
    return (
      <p className="muted small chart-unavailable" role="note">
        Timeline unavailable: {describeError(error)}
      </p>
    );
  }
  if (!data) return <div className="chart chart-loading" aria-hidden="true" />;
  const { granularity } = data.timeline;
  let buckets = data.timeline.data;
  if (all) {
    const first = buckets.findIndex((b) => b.count > 0);
    buckets = buckets.slice(
      Math.max(0, Math.min(first < 0 ? buckets.length : first, buckets.length - ALL_MIN_BUCKETS)),
    );
  }
  const from = all && buckets.length ? buckets[0].bucket : data.timeline.startDate;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const step = granularityMs(granularity);
  const narrow = (bucket: string) => {
    const start = new Date(bucket).getTime();
    navigate(
      withParams('/', search, {
        range: 'custom',
        startDate: new Date(start).toISOString(),
        // Inclusive end 1 ms before the next bucket: the form shows it as the next bucket's start (ADR 087).
        endDate: new Date(start + step - 1).toISOString(),
        page: undefined,
      }),
    );
  };
  return (
    <figure className="chart card" aria-labelledby="chart-caption">
      <figcaption id="chart-caption" className="small">
        <strong>{total.toLocaleString('en')}</strong> interactions from {formatAbsolute(from)} to{' '}
        {formatAbsolute(data.timeline.endDate)}, per {LABEL[granularity as Granularity] ?? granularity}
        <span className="muted"> · click a bar to zoom in</span>
      </figcaption>
      <div className="chart-body">
        <div className="y-axis small muted" aria-hidden="true">
          <span>{max}</span>
          <span>0</span>
        </div>
        <div
          className="bars"
          data-testid="timeline-bars"
          data-granularity={granularity}
          data-dense={buckets.length > 60 ? '' : undefined}
        >
          {buckets.map((b) => (
            <button
              key={b.bucket}
              type="button"
              className="bar"
              style={{ height: `${Math.max(b.count ? 4 : 1, (b.count / max) * 100)}%` }}
              aria-label={`${formatAbsolute(b.bucket)}: ${b.count} interactions`}
              title={`${formatAbsolute(b.bucket)}: ${b.count}`}
              data-count={b.count}
              onClick={() => narrow(b.bucket)}
            />
          ))}
        </div>
      </div>
      {buckets.length ? (
        <div className="x-axis small muted" aria-hidden="true">
          <span>{formatShort(buckets[0].bucket)}</span>
          <span>{formatShort(buckets[buckets.length - 1].bucket)}</span>
        </div>
      ) : null}
    </figure>
  );
}
