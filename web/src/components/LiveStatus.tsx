import type { LiveStatus } from '../live';

const LABELS: Record<LiveStatus | 'paused', string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Stopped',
  paused: 'Paused',
};

/** The live stream's state as a small pill (a status region: a screen reader hears it change). */
export function LiveStatusBadge({ status }: { status: LiveStatus | 'paused' }) {
  return (
    <span className={`live-status live-${status}`} role="status" data-testid="live-status">
      <span className="live-dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
