import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { FeedFilter } from '../../../packages/client/src/types';
import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { JsonViewer } from '../components/JsonViewer';
import { LiveStatusBadge } from '../components/LiveStatus';
import { Pagination } from '../components/Pagination';
import { SealBadge } from '../components/SealBadge';
import { ExportButton } from './ExportButton';
import { RecordedTime } from '../components/Time';
import { UowId } from '../components/UowId';
import {
  ConsoleInteractionDetailDocument,
  ConsoleInteractionsDocument,
  type InteractionFilterInput,
  type InteractionRowFragment,
} from '../generated/graphql';
import { sealExplanation } from '../integrity/seal';
import { useSeals } from '../integrity/useSeals';
import type { Seal } from '../integrity/verify';
import { rowOfItem, useLiveFeed, type LiveStatus } from '../live';
import { useLookups } from '../lookups';
import { Link, navigate, useLocation, useUrlNow } from '../router';
import { endFromLocalInput, endToLocalInput, fromLocalInput, PRESETS, toLocalInput } from '../time';
import { useQuery } from '../useQuery';
import { TimelineChart } from './TimelineChart';
import { filterFromSearch, intParam, LOOKUP_FILTERS, TEXT_FILTERS, withParams } from './filters';

let firstRenderMarked = false;

const UNSEALED: Seal = { state: 'unsealed' };

// Live rows kept on screen, and held back while paused: a busy log must not grow the page (or memory) without end.
// The count of held rows stays exact beyond this; the oldest of them are the ones dropped.
const LIVE_ROWS_MAX = 500;

/**
 * The live stream's filter: the table's, except that a preset ("last 24 hours") ends now and keeps ending now while
 * live, so its end (fixed when the URL changed) is left out. A custom range keeps its end.
 */
function liveFilterOf(filter: InteractionFilterInput, search: URLSearchParams): FeedFilter {
  const { endDate, ...rest } = filter;
  const preset = PRESETS.some((p) => p.id === search.get('range'));
  return (preset ? rest : { ...rest, endDate }) as FeedFilter;
}

/** Rows newest first, each id once (the newer copy kept), at most LIVE_ROWS_MAX. */
function mergeRows(newer: InteractionRowFragment[], older: InteractionRowFragment[]): InteractionRowFragment[] {
  const seen = new Set<string>();
  const rows: InteractionRowFragment[] = [];
  for (const row of [...newer, ...older]) {
    if (seen.has(row.id) || rows.length >= LIVE_ROWS_MAX) continue;
    seen.add(row.id);
    rows.push(row);
  }
  return rows;
}

export function InteractionsView() {
  const { search } = useLocation();
  const now = useUrlNow();
  const filter = useMemo(() => filterFromSearch(search, now), [search.toString(), now]);
  const page = intParam(search, 'page', 1);
  const limit = Math.min(intParam(search, 'limit', 50), 100);
  const lookups = useLookups();
  const [live, setLive] = useState(false);
  const [paused, setPaused] = useState(false);
  // New rows from the stream, newest first: shown above the table's, or held back while paused.
  const [arrived, setArrived] = useState<InteractionRowFragment[]>([]);
  const [held, setHeld] = useState<{ rows: InteractionRowFragment[]; count: number }>({ rows: [], count: 0 });
  const liveFilter = useMemo(() => liveFilterOf(filter, search), [filter]);
  const feed = useLiveFeed(liveFilter, live, (items) => {
    const rows = items.map((item) => rowOfItem(item, lookups.find)).reverse();
    if (paused) setHeld((h) => ({ rows: mergeRows(rows, h.rows), count: h.count + rows.length }));
    else setArrived((a) => mergeRows(rows, a));
  });
  // A new filter (or live turned off) starts over: the table reloads, and the old stream's rows may not match.
  useEffect(() => {
    setArrived([]);
    setHeld({ rows: [], count: 0 });
  }, [JSON.stringify(liveFilter), live]);
  // While live, the table loads only once the stream has its starting position: everything recorded before it is in
  // the table, everything after it comes from the stream, and nothing falls between the two.
  const { data, error, loading } = useQuery(
    ConsoleInteractionsDocument,
    { filter, page, limit },
    live && !feed.started,
  );
  const [openId, setOpenId] = useState<string | null>(null);
  const go = (changes: Record<string, string | number | undefined>) => navigate(withParams('/', search, changes));
  const resume = () => {
    setArrived((a) => mergeRows(held.rows, a));
    setHeld({ rows: [], count: 0 });
    setPaused(false);
  };
  const toggleLive = (on: boolean) => {
    setLive(on);
    setPaused(false);
    // New rows appear at the top of the first page.
    if (on && page > 1) go({ page: undefined });
  };
  // Live rows go on the first page only, above the table's rows, each interaction once.
  const tableRows = data?.interactions.items ?? [];
  const tableIds = new Set(tableRows.map((row) => row.id));
  const liveRows = live && page === 1 ? arrived.filter((row) => !tableIds.has(row.id)) : [];
  const liveIds = new Set(liveRows.map((row) => row.id));
  const rows = [...liveRows, ...tableRows];
  // One request proves the table's page; rows the live stream brought were just written, so not sealed yet.
  const tableSeal = useSeals(tableRows.map((row) => row.id));
  const sealOf = (id: string): Seal => (liveIds.has(id) ? UNSEALED : tableSeal(id));

  useEffect(() => {
    // First meaningful render: the first time rows (or the empty state) are on screen.
    if (data && !firstRenderMarked) {
      firstRenderMarked = true;
      performance.mark('console:interactions-rendered');
    }
  }, [data]);

  return (
    <section aria-labelledby="interactions-title">
      <div className="view-head">
        <h1 id="interactions-title">Interactions</h1>
        <LiveControls
          live={live}
          paused={paused}
          status={paused ? 'paused' : feed.status}
          waiting={held.count}
          onLive={toggleLive}
          onPause={() => setPaused(true)}
          onResume={resume}
        />
        <ExportButton filter={filter} />
        {loading ? (
          <span className="muted" role="status">
            Loading…
          </span>
        ) : null}
      </div>
      <Filters key={search.toString()} search={search} go={go} />
      <TimelineChart filter={filter} defer={!data && !error} />
      <ErrorMessage error={error} title="Could not load interactions." />
      <ErrorMessage error={live ? feed.error : null} title="Live updates stopped." />
      {data ? (
        <>
          <div className="table-wrap" role="region" aria-label="Interactions table" tabIndex={0}>
            <table className="table cards" data-testid="interactions-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Recorded</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Action</th>
                  <th scope="col">Origin</th>
                  <th scope="col">User</th>
                  <th scope="col">Unit of work</th>
                  <th scope="col">Integrity</th>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((item) => (
                  <Fragment key={item.id}>
                    <tr data-interaction-id={item.id} className={liveIds.has(item.id) ? 'arrived' : undefined}>
                      <td className="num" data-label="#">
                        {item.interactionNumber}
                      </td>
                      <td data-label="Recorded">
                        <RecordedTime recorded={item.createdDate} occurred={item.interactionTimestamp} />
                      </td>
                      <td data-label="Resource">
                        <div className="stack">
                          <Badge kind="resourceType" lookup={item.resourceType} />
                          <Link
                            to={withParams('/', new URLSearchParams(), { resourceId: item.resourceId })}
                            className="mono"
                          >
                            {item.resourceId}
                          </Link>
                        </div>
                      </td>
                      <td data-label="Action">
                        <Badge kind="action" lookup={item.action} />
                      </td>
                      <td data-label="Origin">
                        <Badge kind="origin" lookup={item.origin} />
                      </td>
                      <td data-label="User">{item.userId ?? <span className="muted">—</span>}</td>
                      <td data-label="Unit of work">
                        <UowId uowId={item.uowId} />
                      </td>
                      <td data-label="Integrity">
                        <SealBadge seal={sealOf(item.id)} />
                      </td>
                      <td>
                        <button
                          type="button"
                          className="small-button"
                          aria-expanded={openId === item.id}
                          aria-controls={`detail-${item.id}`}
                          onClick={() => setOpenId(openId === item.id ? null : item.id)}
                        >
                          {openId === item.id ? 'Hide' : 'JSON'}
                          <span className="visually-hidden"> of interaction {item.interactionNumber}</span>
                        </button>
                      </td>
                    </tr>
                    {openId === item.id ? (
                      <tr className="detail-row" id={`detail-${item.id}`}>
                        <td colSpan={9}>
                          <Detail id={item.id} externalReference={item.externalReference} seal={sealOf(item.id)} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
            {rows.length === 0 ? (
              <p className="empty" role="status">
                No interactions match these filters.
              </p>
            ) : null}
          </div>
          <Pagination
            info={{ ...data.interactions.pagination, total: data.interactions.pagination.total + liveRows.length }}
            label="interactions"
            onPage={(p) => go({ page: p > 1 ? p : undefined })}
            onLimit={(l) => go({ limit: l === 50 ? undefined : l, page: undefined })}
          />
        </>
      ) : null}
    </section>
  );
}

/** The "Live" switch and, while on, the stream's status with Pause, or the count of held rows with Resume. */
function LiveControls({
  live,
  paused,
  status,
  waiting,
  onLive,
  onPause,
  onResume,
}: {
  live: boolean;
  paused: boolean;
  status: LiveStatus | 'paused';
  waiting: number;
  onLive: (on: boolean) => void;
  onPause: () => void;
  onResume: () => void;
}) {
  return (
    <div className="live" role="group" aria-label="Live updates">
      <label className="live-switch">
        <input type="checkbox" role="switch" checked={live} onChange={(e) => onLive(e.target.checked)} />
        Live
      </label>
      {live ? (
        <>
          <LiveStatusBadge status={status} />
          {paused ? (
            <button type="button" className="small-button primary" onClick={onResume} data-testid="live-resume">
              {waiting > 0 ? `${waiting.toLocaleString('en')} new — Resume` : 'Resume'}
            </button>
          ) : (
            <button type="button" className="small-button" onClick={onPause}>
              Pause
            </button>
          )}
        </>
      ) : null}
    </div>
  );
}

function Detail({
  id,
  externalReference,
  seal,
}: {
  id: string;
  externalReference: string | null | undefined;
  seal: Seal;
}) {
  const { data, error } = useQuery(ConsoleInteractionDetailDocument, { id });
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="detail" ref={ref} tabIndex={-1} aria-label="Interaction details">
      <ErrorMessage error={error} />
      <p className="small">
        <span className="muted">Id</span> <code>{id}</code>
        {externalReference ? (
          <>
            {' '}
            · <span className="muted">External reference</span> <code>{externalReference}</code>
          </>
        ) : null}
      </p>
      <p className="small seal-detail" data-testid="seal-detail">
        <SealBadge seal={seal} /> {sealExplanation(seal)}
      </p>
      {data ? (
        <div className="detail-grid">
          <div>
            <h3>interaction</h3>
            <JsonViewer value={data.interaction.interaction} label="interaction JSON" />
          </div>
          <div>
            <h3>externalResponse</h3>
            <JsonViewer value={data.interaction.externalResponse} label="externalResponse JSON" />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** The filter form: lookups and presets apply at once, text fields on submit. */
function Filters({
  search,
  go,
}: {
  search: URLSearchParams;
  go: (changes: Record<string, string | undefined>) => void;
}) {
  const lookups = useLookups();
  const range = search.get('range') ?? '';
  const [text, setText] = useState(() =>
    Object.fromEntries(TEXT_FILTERS.map((f) => [f.name, search.get(f.name) ?? ''])),
  );
  const [custom, setCustom] = useState({
    start: toLocalInput(search.get('startDate') ?? undefined),
    end: endToLocalInput(search.get('endDate') ?? undefined),
  });
  const [more, setMore] = useState(() => TEXT_FILTERS.slice(2).some((f) => search.get(f.name)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: Record<string, string | undefined> = { ...text, page: undefined };
    if (range === 'custom') {
      changes.startDate = fromLocalInput(custom.start);
      changes.endDate = endFromLocalInput(custom.end);
    }
    go(changes);
  };
  const setRange = (id: string) =>
    go({
      range: id || undefined,
      page: undefined,
      ...(id === 'custom' ? {} : { startDate: undefined, endDate: undefined }),
    });
  const active = [...TEXT_FILTERS, ...LOOKUP_FILTERS].some((f) => search.get(f.name)) || range !== '';

  return (
    <form className="filters card" onSubmit={submit} aria-label="Filters">
      <fieldset className="presets">
        <legend>Time range</legend>
        <div className="segmented" role="radiogroup" aria-label="Time range">
          {[{ id: '', label: 'All' }, ...PRESETS, { id: 'custom', label: 'Custom' }].map((p) => (
            <label key={p.id} className={range === p.id ? 'checked' : undefined}>
              <input type="radio" name="range" value={p.id} checked={range === p.id} onChange={() => setRange(p.id)} />
              {p.label}
            </label>
          ))}
        </div>
        {range === 'custom' ? (
          <div className="row">
            <label>
              From
              <input
                type="datetime-local"
                value={custom.start}
                onChange={(e) => setCustom({ ...custom, start: e.target.value })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                value={custom.end}
                onChange={(e) => setCustom({ ...custom, end: e.target.value })}
              />
            </label>
          </div>
        ) : null}
      </fieldset>
      <div className="filter-grid">
        {LOOKUP_FILTERS.map((f) => (
          <div className="field" key={f.name}>
            <label htmlFor={`filter-${f.name}`}>{f.label}</label>
            <select
              id={`filter-${f.name}`}
              name={f.name}
              value={search.get(f.name) ?? ''}
              onChange={(e) => go({ [f.name]: e.target.value, page: undefined })}
            >
              <option value="">Any</option>
              {(lookups.data?.[f.list] ?? []).map((l) => (
                <option key={l.id} value={l.mnemonic}>
                  {l.icon ? `${l.icon} ` : ''}
                  {l.mnemonic}
                </option>
              ))}
            </select>
          </div>
        ))}
        {TEXT_FILTERS.slice(0, more ? TEXT_FILTERS.length : 2).map((f) => (
          <div className="field" key={f.name}>
            <label htmlFor={`filter-${f.name}`}>{f.label}</label>
            <input
              id={`filter-${f.name}`}
              name={f.name}
              value={text[f.name]}
              onChange={(e) => setText({ ...text, [f.name]: e.target.value })}
              spellCheck={false}
            />
          </div>
        ))}
      </div>
      <div className="row">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" className="link-button" aria-expanded={more} onClick={() => setMore(!more)}>
          {more ? 'Fewer filters' : 'More filters'}
        </button>
        {active ? (
          <button type="button" className="link-button" onClick={() => navigate('/')}>
            Clear all
          </button>
        ) : null}
      </div>
    </form>
  );
}
