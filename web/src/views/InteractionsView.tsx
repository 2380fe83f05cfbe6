import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { JsonViewer } from '../components/JsonViewer';
import { Pagination } from '../components/Pagination';
import { Time } from '../components/Time';
import { ConsoleInteractionDetailDocument, ConsoleInteractionsDocument } from '../generated/graphql';
import { useLookups } from '../lookups';
import { Link, navigate, useLocation } from '../router';
import { formatAbsolute, fromLocalInput, PRESETS, toLocalInput } from '../time';
import { useQuery } from '../useQuery';
import { TimelineChart } from './TimelineChart';
import { filterFromSearch, intParam, LOOKUP_FILTERS, TEXT_FILTERS, withParams } from './filters';

let firstRenderMarked = false;

export function InteractionsView() {
  const { search, href } = useLocation();
  // Presets end "now": fix now per URL, so a re-render does not refetch, and a new filter moves it on.
  const now = useMemo(() => Date.now(), [href]);
  const filter = useMemo(() => filterFromSearch(search, now), [search.toString(), now]);
  const page = intParam(search, 'page', 1);
  const limit = Math.min(intParam(search, 'limit', 50), 100);
  const { data, error, loading } = useQuery(ConsoleInteractionsDocument, { filter, page, limit });
  const [openId, setOpenId] = useState<string | null>(null);
  const go = (changes: Record<string, string | number | undefined>) => navigate(withParams('/', search, changes));

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
        {loading ? (
          <span className="muted" role="status">
            Loading…
          </span>
        ) : null}
      </div>
      <Filters key={search.toString()} search={search} go={go} />
      <TimelineChart filter={filter} defer={!data && !error} />
      <ErrorMessage error={error} title="Could not load interactions." />
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
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.interactions.items.map((item) => (
                  <Fragment key={item.id}>
                    <tr data-interaction-id={item.id}>
                      <td className="num" data-label="#">
                        {item.interactionNumber}
                      </td>
                      <td data-label="Recorded">
                        <Time iso={item.createdDate} />
                        {item.interactionTimestamp && item.interactionTimestamp !== item.createdDate ? (
                          <span
                            className="muted small occurred"
                            title="interactionTimestamp: when it happened, as the caller said"
                          >
                            happened {formatAbsolute(item.interactionTimestamp)}
                          </span>
                        ) : null}
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
                        <Link to={`/trace/${item.uowId}`} className="mono uow" title={`Trace ${item.uowId}`}>
                          {item.uowId.slice(0, 8)}…
                        </Link>
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
                        <td colSpan={8}>
                          <Detail id={item.id} externalReference={item.externalReference} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
            {data.interactions.items.length === 0 ? (
              <p className="empty" role="status">
                No interactions match these filters.
              </p>
            ) : null}
          </div>
          <Pagination
            info={data.interactions.pagination}
            label="interactions"
            onPage={(p) => go({ page: p > 1 ? p : undefined })}
            onLimit={(l) => go({ limit: l === 50 ? undefined : l, page: undefined })}
          />
        </>
      ) : null}
    </section>
  );
}

function Detail({ id, externalReference }: { id: string; externalReference: string | null | undefined }) {
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
    end: toLocalInput(search.get('endDate') ?? undefined),
  });
  const [more, setMore] = useState(() => TEXT_FILTERS.slice(2).some((f) => search.get(f.name)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: Record<string, string | undefined> = { ...text, page: undefined };
    if (range === 'custom') {
      changes.startDate = fromLocalInput(custom.start);
      changes.endDate = fromLocalInput(custom.end);
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
