import { useState } from 'react';
import { gql } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Time } from '../components/Time';
import {
  ConsoleIntegrityDocument,
  ConsoleVerifyIntegrityDocument,
  type ConsoleIntegrityQuery,
} from '../generated/graphql';
import { SEAL_COLORS } from '../integrity/seal';
import { navigate, useLocation } from '../router';
import { formatAbsolute, formatRelative } from '../time';
import { hasScope, type Session } from '../session';
import { useQuery } from '../useQuery';
import { intParam, withParams } from './filters';

/** Checkpoints per page. */
const PAGE = 20;

type LastVerify = ConsoleIntegrityQuery['lastIntegrityVerify'];

/**
 * Tamper evidence at a glance (docs/integrity.md): the signing key's id, the signed checkpoints newest first, and the
 * result of the last verification, stored by the service (the same after a reload and on every instance). An admin key
 * can run a verification from here.
 */
export function IntegrityView({ session }: { session: Session }) {
  const { search } = useLocation();
  const before = search.get('before') ? intParam(search, 'before', 1) : null;
  const { data, error, loading, reload } = useQuery(ConsoleIntegrityDocument, { first: PAGE, before });
  const admin = hasScope(session, 'admin');
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const page = data?.integrityCheckpoints;
  const checkpoints = page?.checkpoints ?? [];
  const newest = data?.newest.checkpoints[0]?.seq ?? 0;
  const top = checkpoints[0]?.seq ?? 0;

  const verifyNow = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      await gql(ConsoleVerifyIntegrityDocument, {});
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
      reload();
    }
  };
  const go = (to: number | undefined) => navigate(withParams('/integrity', search, { before: to }));

  return (
    <section aria-labelledby="integrity-title">
      <div className="view-head">
        <h1 id="integrity-title">Integrity</h1>
        {loading ? (
          <span className="muted" role="status">
            Loading…
          </span>
        ) : null}
      </div>
      <ErrorMessage error={error} title="Could not load the checkpoints." />
      {page ? (
        <p data-testid="integrity-key">
          {page.keyId ? (
            <>
              Checkpoints are signed with Ed25519 key <code>{page.keyId}</code>. Interactions show a badge once their
              proof and their checkpoint's signature check out in your browser.
            </>
          ) : (
            <>Sealing is off on this service (CHECKPOINT_SECONDS=0): nothing is signed.</>
          )}
        </p>
      ) : null}

      <div className="card" aria-labelledby="verify-title" data-testid="last-verify">
        <div className="view-head">
          <h2 id="verify-title">Last verification</h2>
          {admin ? (
            <button type="button" className="primary" onClick={verifyNow} disabled={verifying || !page?.keyId}>
              {verifying ? 'Verifying…' : 'Verify now'}
            </button>
          ) : null}
        </div>
        <ErrorMessage error={verifyError} title="The verification did not run." />
        {data ? <VerifyResult last={data.lastIntegrityVerify} /> : null}
        {!admin ? (
          <p className="muted small">
            Running a verification needs an <code>admin</code> key; this key ({session.name}) has{' '}
            <code>{session.scopes.join(', ')}</code>.
          </p>
        ) : null}
      </div>

      <h2>Checkpoints</h2>
      <div className="table-wrap" role="region" aria-label="Checkpoints" tabIndex={0}>
        <table className="table cards" data-testid="checkpoints-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Rows</th>
              <th scope="col">Through</th>
              <th scope="col">Merkle root</th>
              <th scope="col">Sealed</th>
            </tr>
          </thead>
          <tbody>
            {checkpoints.map((checkpoint) => (
              <tr key={checkpoint.seq} data-seq={checkpoint.seq} data-card="">
                <td className="num" data-label="#">
                  {checkpoint.seq}
                </td>
                <td className="num" data-label="Rows">
                  {checkpoint.rowCount.toLocaleString('en')}
                </td>
                <td className="mono small" data-label="Through" title="Feed cursor of the last row sealed">
                  {checkpoint.through}
                </td>
                <td className="mono small" data-label="Merkle root" title={checkpoint.merkleRoot}>
                  {checkpoint.merkleRoot.slice(0, 12)}…
                </td>
                <td data-label="Sealed">
                  <Time iso={checkpoint.sealedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && checkpoints.length === 0 ? (
          <p className="empty" role="status">
            No checkpoint yet: the first is sealed within CHECKPOINT_SECONDS of the first interaction.
          </p>
        ) : null}
      </div>
      {page && (page.nextBefore !== null || before !== null) ? (
        <nav className="pagination" aria-label="Checkpoint pages">
          <button
            type="button"
            disabled={before === null}
            onClick={() => go(top + PAGE < newest ? top + PAGE + 1 : undefined)}
          >
            ← Newer
          </button>
          <span aria-live="polite">
            {checkpoints.length > 0
              ? `Checkpoints ${top}–${checkpoints[checkpoints.length - 1].seq} of ${newest}`
              : `No checkpoints below #${before}`}
          </span>
          <button type="button" disabled={page.nextBefore === null} onClick={() => go(page.nextBefore ?? undefined)}>
            Older →
          </button>
        </nav>
      ) : null}
    </section>
  );
}

function VerifyResult({ last }: { last: LastVerify }) {
  if (!last.report || !last.verifiedAt) {
    return <p data-testid="verify-result">Never verified yet.</p>;
  }
  const { report } = last;
  const range =
    report.fromCheckpoint === null
      ? 'no checkpoint'
      : report.fromCheckpoint === report.throughCheckpoint
        ? `checkpoint #${report.fromCheckpoint}`
        : `checkpoints #${report.fromCheckpoint}–#${report.throughCheckpoint}`;
  const rows = report.rows + report.archivedRows;
  const state = report.ok ? 'verified' : 'mismatch';
  return (
    <div data-testid="verify-result" data-ok={report.ok}>
      <p>
        <span className="badge seal" data-seal={state} style={SEAL_COLORS[state]}>
          {report.ok
            ? '✓ No problems found'
            : `✗ ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found`}
        </span>{' '}
        {range}, {rows.toLocaleString('en')} rows re-hashed in {last.durationMs} ms
        {last.verifiedBy ? ` by ${last.verifiedBy}` : ''}.
      </p>
      <p className="small muted">
        Verified{' '}
        <time dateTime={last.verifiedAt}>
          {formatRelative(last.verifiedAt)} ({formatAbsolute(last.verifiedAt)})
        </time>
      </p>
      {report.problems.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Problems found" tabIndex={0}>
          <table className="table cards" data-testid="verify-problems">
            <thead>
              <tr>
                <th scope="col">Found</th>
                <th scope="col">Checkpoint</th>
                <th scope="col">Interaction</th>
                <th scope="col">Fields</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {report.problems.map((problem, i) => (
                <tr key={i} data-card="">
                  <td className="mono small" data-label="Found">
                    {problem.kind}
                  </td>
                  <td className="num" data-label="Checkpoint">
                    #{problem.checkpoint}
                  </td>
                  <td className="num" data-label="Interaction">
                    {problem.interactionNumber ?? '—'}
                  </td>
                  <td className="small" data-label="Fields">
                    {problem.fields.join(', ') || '—'}
                  </td>
                  <td className="small" data-label="What" data-wide="">
                    {problem.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
