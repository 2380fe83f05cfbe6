import { useMemo, useState, type FormEvent } from 'react';
import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pagination } from '../components/Pagination';
import { RecordedTime } from '../components/Time';
import { UowId } from '../components/UowId';
import { ConsoleActivityDocument } from '../generated/graphql';
import { useLookups } from '../lookups';
import { navigate, useLocation, useUrlNow } from '../router';
import { rangeFromSearch, PRESETS } from '../time';
import { useQuery } from '../useQuery';
import { intParam, withParams } from './filters';

interface ResourceRow {
  resourceType: string;
  resourceId: string;
}

/** `r=TYPE:id` (or `r=:id`) in the URL, one per resource. */
function resourcesFromSearch(search: URLSearchParams): ResourceRow[] {
  return search.getAll('r').map((value) => {
    const at = value.indexOf(':');
    return at < 0
      ? { resourceType: '', resourceId: value }
      : { resourceType: value.slice(0, at), resourceId: value.slice(at + 1) };
  });
}

/** Several resources at once: who did what to them, grouped by user and unit of work. */
export function ActivityView() {
  const { search } = useLocation();
  const now = useUrlNow();
  const lookups = useLookups();
  const query = search.toString();
  const resources = useMemo(() => resourcesFromSearch(new URLSearchParams(query)), [query]);
  const [rows, setRows] = useState<ResourceRow[]>(() =>
    resources.length ? resources : [{ resourceType: '', resourceId: '' }],
  );
  const range = search.get('range') ?? '';
  const page = intParam(search, 'page', 1);
  // Stable per URL (presets end at useUrlNow), so a re-render does not change the variables and refetch.
  const input = useMemo(
    () => ({
      resources: resources.map((r) => ({ resourceId: r.resourceId, resourceType: r.resourceType || null })),
      ...rangeFromSearch(new URLSearchParams(query), now),
      page,
      limit: 25,
    }),
    [resources, query, now, page],
  );
  const [missing, setMissing] = useState(false);
  const { data, error, loading } = useQuery(ConsoleActivityDocument, { input }, resources.length === 0);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const row of rows) if (row.resourceId.trim()) next.append('r', `${row.resourceType}:${row.resourceId.trim()}`);
    setMissing(!next.has('r'));
    if (!next.has('r')) return;
    if (range) next.set('range', range);
    navigate(`/activity?${next.toString()}`);
  };
  const update = (i: number, change: Partial<ResourceRow>) =>
    setRows(rows.map((r, j) => (i === j ? { ...r, ...change } : r)));

  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <form className="card activity-form" onSubmit={submit} aria-label="Resources">
        <p className="muted small">
          Enter up to 100 resources; their interactions are grouped by user and unit of work.
        </p>
        {rows.map((row, i) => (
          <div className="row" key={i}>
            <label>
              Resource type {i + 1}
              <select value={row.resourceType} onChange={(e) => update(i, { resourceType: e.target.value })}>
                <option value="">Any</option>
                {(lookups.data?.resourceTypes ?? []).map((l) => (
                  <option key={l.id} value={l.mnemonic}>
                    {l.icon ? `${l.icon} ` : ''}
                    {l.mnemonic}
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              Resource id {i + 1}
              <input
                value={row.resourceId}
                onChange={(e) => update(i, { resourceId: e.target.value })}
                spellCheck={false}
                aria-invalid={missing && i === 0 ? true : undefined}
                aria-describedby={missing && i === 0 ? 'activity-missing' : undefined}
              />
            </label>
            {rows.length > 1 ? (
              <button type="button" className="small-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove<span className="visually-hidden"> resource {i + 1}</span>
              </button>
            ) : null}
          </div>
        ))}
        {missing ? (
          <p className="alert alert-error" role="alert" id="activity-missing">
            Enter at least one resource id to see its activity.
          </p>
        ) : null}
        <div className="row">
          <button
            type="button"
            onClick={() => setRows([...rows, { resourceType: '', resourceId: '' }])}
            disabled={rows.length >= 100}
          >
            + Add resource
          </button>
          <label className="inline">
            Time range{' '}
            <select
              value={range}
              onChange={(e) => navigate(withParams('/activity', search, { range: e.target.value, page: undefined }))}
            >
              <option value="">All time</option>
              {PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  Last {p.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Show activity
          </button>
        </div>
      </form>
      {loading ? <p role="status">Loading…</p> : null}
      <ErrorMessage error={error} title="Could not load activity." />
      {data ? (
        <>
          <div className="table-wrap" role="region" aria-label="Activity groups" tabIndex={0}>
            <table className="table cards" data-testid="activity-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Unit of work</th>
                  <th scope="col">Interactions</th>
                  <th scope="col">Last recorded</th>
                  <th scope="col">Resources</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.activity.items.map((g) => (
                  <tr key={`${g.userId}:${g.uowId}`} data-card="">
                    <td data-label="User">{g.userId ?? <span className="muted">—</span>}</td>
                    <td data-label="Unit of work">
                      <UowId uowId={g.uowId} />
                    </td>
                    <td className="num" data-label="Interactions">
                      {g.interactionCount}
                    </td>
                    <td data-label="Last recorded" data-wide="">
                      <RecordedTime recorded={g.lastInteractionAt} occurred={g.lastInteractionTimestamp} />
                    </td>
                    <td data-label="Resources">
                      <ul className="plain">
                        {g.resources.map((r) => (
                          <li key={`${r.resourceType}:${r.resourceId}`}>
                            <Badge kind="resourceType" lookup={lookups.find('resourceType', r.resourceType)} />{' '}
                            <span className="mono">{r.resourceId}</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td data-label="Actions">
                      <div className="badges">
                        {g.actions.map((m) => (
                          <Badge key={m} kind="action" lookup={lookups.find('action', m)} />
                        ))}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.activity.items.length === 0 ? <p className="empty">No activity for these resources.</p> : null}
          </div>
          <Pagination
            info={data.activity.pagination}
            label="groups"
            onPage={(p) => navigate(withParams('/activity', search, { page: p > 1 ? p : undefined }))}
          />
        </>
      ) : null}
    </section>
  );
}
