import { useState } from 'react';
import { Link } from '../router';

/**
 * The part of a uowId that tells units of work apart. Generated ids are UUIDv7: their first 12 hex digits are the
 * creation time in ms, so everything recorded in the same minute starts alike; the last 8 are random.
 */
export function shortUowId(uowId: string): string {
  return `…${uowId.replace(/-/g, '').slice(-8)}`;
}

/** A unit of work as a link to its trace: a distinguishing part shown, the full id on hover, and a copy button. */
export function UowId({ uowId, prefix = '' }: { uowId: string; prefix?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(uowId);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard (an insecure origin, a refused permission): the full id stays in the link's title.
      setCopied(false);
    }
  };
  return (
    <span className="uow-id">
      <Link to={`/trace/${uowId}`} className="mono uow" title={`Trace ${uowId}`}>
        {prefix}
        {shortUowId(uowId)}
      </Link>
      <button
        type="button"
        className="icon-button"
        onClick={() => void copy()}
        aria-label={`Copy unit of work id ${uowId}`}
        title={copied ? 'Copied' : 'Copy the full uowId'}
      >
        {copied ? (
          '✓'
        ) : (
          <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
            <path
              d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
            />
          </svg>
        )}
      </button>
    </span>
  );
}
