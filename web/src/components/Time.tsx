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

/**
 * The recorded time (the clock the filters use), with the caller's interactionTimestamp beneath it when that
 * differs: one clock per view, the other shown for what it is (ADR 085).
 */
export function RecordedTime({ recorded, occurred }: { recorded: string; occurred?: string | null }) {
  return (
    <>
      <Time iso={recorded} />
      {occurred && occurred !== recorded ? (
        <span className="muted small occurred" title="interactionTimestamp: when it happened, as the caller said">
          happened {formatAbsolute(occurred)}
        </span>
      ) : null}
    </>
  );
}
