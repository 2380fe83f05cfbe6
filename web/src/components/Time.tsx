import { formatAbsolute, formatRelative } from '../time';

/** Relative time with the absolute one beside it (and machine-readable). */
export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} className="time">
      <span>{formatRelative(iso)}</span>
      <span className="muted small">{formatAbsolute(iso)}</span>
    </time>
  );
}
