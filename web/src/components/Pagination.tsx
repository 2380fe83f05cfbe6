export interface PageInfo {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** Previous/next, where we are, and the page size. */
export function Pagination({
  info,
  onPage,
  onLimit,
  label,
}: {
  info: PageInfo;
  onPage: (page: number) => void;
  onLimit?: (limit: number) => void;
  label: string;
}) {
  return (
    <nav className="pagination" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(info.page - 1)} disabled={!info.hasPrev}>
        ← Previous
      </button>
      <span aria-live="polite">
        Page {info.page} of {Math.max(info.totalPages, 1)} · {info.total.toLocaleString('en')} {label}
      </span>
      <button type="button" onClick={() => onPage(info.page + 1)} disabled={!info.hasNext}>
        Next →
      </button>
      {onLimit ? (
        <label className="inline">
          Per page{' '}
          <select value={info.limit} onChange={(e) => onLimit(Number(e.target.value))}>
            {[10, 25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </nav>
  );
}
