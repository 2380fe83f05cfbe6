import { useEffect, useState } from 'react';
import type { InteractionListItem } from '../../../packages/client/src/types';
import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { LiveStatusBadge } from '../components/LiveStatus';
import { SEAL_COLORS, summariseSeals } from '../integrity/seal';
import { useSeals } from '../integrity/useSeals';
import type { Seal } from '../integrity/verify';
import { Time } from '../components/Time';
import { ConsoleTraceDocument, type ConsoleTraceQuery, type InteractionRowFragment } from '../generated/graphql';
import { rowOfItem, useLiveFeed } from '../live';
import { useLookups, type LookupKind, type LookupRow } from '../lookups';
import { hrefWith, Link } from '../router';
import { formatDuration } from '../time';
import { useQuery } from '../useQuery';

type Trace = ConsoleTraceQuery['trace'];

/** Sorted union of two lists of names, as the service sorts them (by code unit, like COLLATE "C"). */
const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

/**
 * The trace as loaded, with the interactions the live feed brought since appended: timeline entries (offsets from the
 * earliest, which a late-arriving interaction with an earlier timestamp may move), rows for their badges, and the
 * summary's figures. Interactions already in the trace are skipped.
 */
function withArrivals(
  trace: Trace,
  arrived: InteractionListItem[],
  find: (kind: LookupKind, mnemonic: string) => LookupRow | { mnemonic: string },
): Trace {
  const known = new Set(trace.timeline.map((entry) => entry.interactionId));
  const fresh = arrived.filter((item) => !known.has(item.interactionId) && known.add(item.interactionId));
  if (fresh.length === 0) return trace;
  // The same clock the service orders a trace by: the caller's timestamp when given, else when it was recorded.
  const at = (item: InteractionListItem) => item.interactionTimestamp ?? item.createdDate;
  const base = trace.timeline.length > 0 ? Date.parse(trace.timeline[0].timestamp) : Date.parse(at(fresh[0]));
  const entries = [
    ...trace.timeline,
    ...fresh.map((item) => ({
      interactionId: item.interactionId,
      interactionNumber: item.interactionNumber,
      timestamp: at(item),
      offsetMs: Date.parse(at(item)) - base,
      resourceId: item.resourceId,
      resourceType: item.resourceTypeMnemonic,
      action: item.actionMnemonic,
      origin: item.originMnemonic,
      userId: item.userId,
    })),
  ];
  const shift = Math.min(0, ...entries.map((entry) => entry.offsetMs));
  const timeline = entries.map((entry) => ({ ...entry, offsetMs: entry.offsetMs - shift }));
  const times = [trace.summary.startTime, trace.summary.endTime, ...fresh.map(at)].map((iso) => Date.parse(iso));
  const start = Math.min(...times);
  const end = Math.max(...times);
  const resources = new Set(trace.timeline.map((entry) => entry.resourceId));
  const newResources = new Set(fresh.map((item) => item.resourceId).filter((id) => !resources.has(id)));
  const rows: InteractionRowFragment[] = fresh.map((item) => rowOfItem(item, find));
  return {
    ...trace,
    summary: {
      ...trace.summary,
      totalInteractions: trace.summary.totalInteractions + fresh.length,
      startTime: new Date(start).toISOString(),
      endTime: new Date(end).toISOString(),
      durationMs: end - start,
      uniqueActions: union(
        trace.summary.uniqueActions,
        fresh.map((item) => item.actionMnemonic),
      ),
      resourceTypes: union(
        trace.summary.resourceTypes,
        fresh.map((item) => item.resourceTypeMnemonic),
      ),
      origins: union(
        trace.summary.origins,
        fresh.map((item) => item.originMnemonic),
      ),
      resourceCount: trace.summary.resourceCount + newResources.size,
      userIds: union(
        trace.summary.userIds,
        fresh.flatMap((item) => (item.userId ? [item.userId] : [])),
      ),
    },
    timeline,
    interactions: { ...trace.interactions, items: [...trace.interactions.items, ...rows] },
  };
}

/**
 * One unit of work: summary figures and a waterfall of its interactions by offset from the first. While the page is
 * open it follows the live feed for this uowId, so a unit of work still running grows on screen.
 */
export function TraceView({ uowId }: { uowId: string }) {
  const [arrived, setArrived] = useState<InteractionListItem[]>([]);
  useEffect(() => setArrived([]), [uowId]);
  const feed = useLiveFeed({ uowId }, true, (items) => setArrived((a) => [...a, ...items]));
  // Loaded once the stream has its starting position, so nothing recorded meanwhile falls between the two.
  const { data, error, loading } = useQuery(ConsoleTraceDocument, { uowId }, !feed.started);
  const lookups = useLookups();
  // The loaded interactions (at most 100) are proved in one request; the live feed's arrivals are not sealed yet.
  const loaded = data?.trace.interactions.items ?? [];
  const seal = useSeals(loaded.map((item) => item.id));
  const trace = data?.trace ? withArrivals(data.trace, arrived, lookups.find) : undefined;
  const rows = trace
    ? [...trace.timeline].sort((a, b) => a.offsetMs - b.offsetMs || a.interactionNumber - b.interactionNumber)
    : [];
  const duration = trace?.summary.durationMs ?? 0;
  const byId = new Map((trace?.interactions.items ?? []).map((i) => [i.id, i]));
  // One late step flattens a linear scale: everything else sits at 0. The compressed (logarithmic) scale keeps
  // the order and spreads out the early steps; the offsets in the labels stay exact.
  const [scale, setScale] = useState<'linear' | 'compressed'>('linear');
  const at = (ms: number) =>
    duration <= 0 ? 0 : scale === 'linear' ? (ms / duration) * 100 : (Math.log1p(ms) / Math.log1p(duration)) * 100;

  return (
    <section aria-labelledby="trace-title">
      <p className="small">
        <Link to="/">← Interactions</Link>
      </p>
      <div className="view-head">
        <h1 id="trace-title">
          Trace <code className="mono">{uowId}</code>
        </h1>
        {loading ? <span role="status">Loading…</span> : null}
        {trace ? <LiveStatusBadge status={feed.status} /> : null}
        {trace ? (
          <TraceSeal
            seals={[
              ...loaded.map((item) => seal(item.id)),
              ...trace.interactions.items.slice(loaded.length).map((): Seal => ({ state: 'unsealed' })),
            ]}
            total={trace.summary.totalInteractions}
          />
        ) : null}
      </div>
      <ErrorMessage error={error} title="Could not load this trace." />
      <ErrorMessage error={trace ? feed.error : null} title="Live updates stopped." />
      {trace ? (
        <>
          <dl className="summary card" aria-label="Trace summary">
            <div>
              <dt>Interactions</dt>
              <dd data-testid="trace-total">{trace.summary.totalInteractions}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatDuration(trace.summary.durationMs)}</dd>
            </div>
            <div className="wide">
              <dt>Started</dt>
              <dd>
                <Time iso={trace.summary.startTime} />
              </dd>
            </div>
            <div className="wide">
              <dt>Ended</dt>
              <dd>
                <Time iso={trace.summary.endTime} />
              </dd>
            </div>
            <div>
              <dt>Resources</dt>
              <dd>{trace.summary.resourceCount}</dd>
            </div>
            <div>
              <dt>Users</dt>
              <dd>{trace.summary.userIds.length ? trace.summary.userIds.join(', ') : '—'}</dd>
            </div>
            <div className="wide">
              <dt>Actions</dt>
              <dd className="badges">
                {trace.summary.uniqueActions.map((m) => (
                  <Badge key={m} kind="action" lookup={lookups.find('action', m)} />
                ))}
              </dd>
            </div>
            <div className="wide">
              <dt>Resource types</dt>
              <dd className="badges">
                {trace.summary.resourceTypes.map((m) => (
                  <Badge key={m} kind="resourceType" lookup={lookups.find('resourceType', m)} />
                ))}
              </dd>
            </div>
            <div className="wide">
              <dt>Origins</dt>
              <dd className="badges">
                {trace.summary.origins.map((m) => (
                  <Badge key={m} kind="origin" lookup={lookups.find('origin', m)} />
                ))}
              </dd>
            </div>
          </dl>
          <div className="view-head">
            <h2>Waterfall</h2>
            <div className="segmented small" role="radiogroup" aria-label="Waterfall scale">
              {(['linear', 'compressed'] as const).map((value) => (
                <label key={value} className={scale === value ? 'checked' : undefined}>
                  <input
                    type="radio"
                    name="wf-scale"
                    value={value}
                    checked={scale === value}
                    onChange={() => setScale(value)}
                  />
                  {value === 'linear' ? 'Linear' : 'Compressed'}
                </label>
              ))}
            </div>
          </div>
          <div className="wf-scale small muted" aria-hidden="true">
            <span />
            <span className="wf-scale-track">
              <span>0 ms</span>
              {scale === 'compressed' && duration > 0 ? (
                <span>{formatDuration(Math.expm1(Math.log1p(duration) / 2))} · log scale</span>
              ) : null}
              <span>{formatDuration(duration)}</span>
            </span>
          </div>
          <ol className="waterfall" data-testid="waterfall" aria-label="Interactions in order">
            {rows.map((row, i) => {
              const item = byId.get(row.interactionId);
              const left = at(row.offsetMs);
              // The bar spans the time since the previous interaction: where the unit of work spent its time.
              const from = i > 0 ? at(rows[i - 1].offsetMs) : left;
              return (
                <li
                  key={row.interactionId}
                  data-offset-ms={row.offsetMs}
                  data-interaction-number={row.interactionNumber}
                >
                  <div className="wf-label">
                    <span className="wf-offset mono">+{formatDuration(row.offsetMs)}</span>
                    <span className="badges">
                      <Badge
                        kind="resourceType"
                        lookup={item?.resourceType ?? lookups.find('resourceType', row.resourceType)}
                      />
                      <Badge kind="action" lookup={item?.action ?? lookups.find('action', row.action)} />
                      <Badge kind="origin" lookup={item?.origin ?? lookups.find('origin', row.origin)} />
                    </span>
                    <Link
                      to={hrefWith('/', { resourceId: row.resourceId, resourceType: row.resourceType })}
                      className="mono"
                      title="All interactions of this resource"
                    >
                      {row.resourceId}
                    </Link>
                    {row.userId ? <span className="muted small">by {row.userId}</span> : null}
                  </div>
                  <div className="wf-track" aria-hidden="true">
                    <span className="wf-gap" style={{ left: `${from}%`, width: `${left - from}%` }} />
                    <span className="wf-dot" style={{ left: `calc(${left}% - 5px)` }} />
                  </div>
                </li>
              );
            })}
          </ol>
          <p className="small">
            <Link to={hrefWith('/', { uowId })}>Show these interactions in the table</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}

/** One badge for the whole trace: all verified in checkpoint #…, or how many are not sealed yet or do not match. */
function TraceSeal({ seals, total }: { seals: Seal[]; total: number }) {
  const { state, label } = summariseSeals(seals);
  const partial = seals.length < total ? ` · first ${seals.length} of ${total} checked` : '';
  return (
    <span
      className="badge seal seal-summary"
      data-testid="trace-seal"
      data-seal={state}
      style={SEAL_COLORS[state]}
      title="Each interaction's proof and its checkpoint's signature, checked in this browser"
    >
      {label}
      {partial}
    </span>
  );
}
