import { useState } from 'react';
import { describeError, downloadExport, type ExportFormat } from '../api';
import type { InteractionFilterInput } from '../generated/graphql';

/** "Export" for the list's current filters: every match, not only the page shown, as NDJSON or CSV. */
export function ExportButton({ filter }: { filter: InteractionFilterInput }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    downloadExport(filter as Record<string, unknown>, format)
      .catch((e: unknown) => setError(describeError(e)))
      .finally(() => setBusy(null));
  };
  return (
    <div className="export" role="group" aria-label="Export the interactions matching these filters">
      <button type="button" onClick={() => run('csv')} disabled={busy !== null} data-testid="export-csv">
        {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
      </button>
      <button type="button" onClick={() => run('ndjson')} disabled={busy !== null} data-testid="export-ndjson">
        {busy === 'ndjson' ? 'Exporting…' : 'Export NDJSON'}
      </button>
      {error ? (
        <span className="error small" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
