import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { Time } from '../components/Time';
import { ConsoleTraceDocument } from '../generated/graphql';
import { useLookups } from '../lookups';
import { hrefWith, Link } from '../router';
import { formatDuration } from '../time';
import { useQuery } from '../useQuery';

/** One unit of work: summary figures and a waterfall of its interactions by offset from the first. */
export function TraceView({ uowId }: { uowId: string }) {
  const { data, error, loading } = useQuery(ConsoleTraceDocument, { uowId });
  const lookups = useLookups();
  const trace = data?.trace;
  const rows = trace
    ? [...trace.timeline].sort((a, b) => a.offsetMs - b.offsetMs || a.interactionNumber - b.interactionNumber)
    : [];
  const duration = trace?.summary.durationMs ?? 0;
  const byId = new Map((trace?.interactions.items ?? []).map((i) => [i.id, i]));

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
      </div>
      <ErrorMessage error={error} title="Could not load this trace." />
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
          <h2>Waterfall</h2>
          <div className="wf-scale small muted" aria-hidden="true">
            <span />
            <span className="wf-scale-track">
              <span>0 ms</span>
              <span>{formatDuration(duration)}</span>
            </span>
          </div>
          <ol className="waterfall" data-testid="waterfall" aria-label="Interactions in order">
            {rows.map((row, i) => {
              const item = byId.get(row.interactionId);
              const at = (ms: number) => (duration > 0 ? (ms / duration) * 100 : 0);
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
