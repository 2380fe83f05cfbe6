import { useMemo } from 'react';
import { describeError } from '../api';
import { ConsoleTimelineDocument, type InteractionFilterInput } from '../generated/graphql';
import { navigate, useLocation } from '../router';
import { formatAbsolute, formatShort, granularityMs } from '../time';
import { useQuery } from '../useQuery';
import { withParams } from './filters';

const LABEL: Record<string, string> = { '15min': '15 minutes', hour: 'hour', '6hour': '6 hours', day: 'day' };

/**
 * Counts over time for the current range and lookup filters, in the bucket size the API picks. A bar is a
 * button: it narrows the range to that bucket. (The timeline API filters by resource type, action and origin;
 * the other list filters do not apply to the chart.) `defer` holds the request back: on the first load the
 * table's query goes first (the embedded database answers one query at a time).
 */
export function TimelineChart({ filter, defer = false }: { filter: InteractionFilterInput; defer?: boolean }) {
  const { search } = useLocation();
  const variables = useMemo(
    () => ({
      ...(filter.startDate
        ? { startDate: filter.startDate, endDate: filter.endDate ?? new Date().toISOString() }
        : { days: 90 }),
      filter: {
        resourceType: filter.resourceType ?? null,
        action: filter.action ?? null,
        origin: filter.origin ?? null,
      },
    }),
    [filter],
  );
  const { data, error } = useQuery(ConsoleTimelineDocument, variables, defer);
  if (error) {
    return (
      <p className="muted small chart-unavailable" role="note">
        Timeline unavailable: {describeError(error)}
      </p>
    );
  }
  if (!data) return <div className="chart chart-loading" aria-hidden="true" />;
  const { data: buckets, granularity } = data.timeline;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const step = granularityMs(granularity);
  const narrow = (bucket: string) => {
    const start = new Date(bucket).getTime();
    navigate(
      withParams('/', search, {
        range: 'custom',
        startDate: new Date(start).toISOString(),
        endDate: new Date(start + step - 1).toISOString(),
        page: undefined,
      }),
    );
  };
  return (
    <figure className="chart card" aria-labelledby="chart-caption">
      <figcaption id="chart-caption" className="small">
        <strong>{total.toLocaleString('en')}</strong> interactions from {formatAbsolute(data.timeline.startDate)} to{' '}
        {formatAbsolute(data.timeline.endDate)}, per {LABEL[granularity] ?? granularity}
        <span className="muted"> · click a bar to zoom in</span>
      </figcaption>
      <div className="chart-body">
        <div className="y-axis small muted" aria-hidden="true">
          <span>{max}</span>
          <span>0</span>
        </div>
        <div className="bars" data-testid="timeline-bars" data-granularity={granularity}>
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
