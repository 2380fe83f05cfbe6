import type { Database } from '../db/database';
import { refreshTimeline, timelineTail, type TimelineRefresh } from './timeline.refresh';

/** Why the refresher refreshed: its interval elapsed, or the live tail reached `rowThreshold`. */
export type TimelineRefreshReason = 'interval' | 'rows';

export interface StartTimelineRefresherOptions {
  /** Seconds between refreshes (0: none on a timer). When > 0 the first refresh runs at once. */
  intervalSeconds: number;
  /**
   * Refresh as soon as this many interaction numbers were handed out since the last refresh (0: never for that
   * reason). Keeps the live tail every day-granularity read counts small under a steady write load.
   */
  rowThreshold?: number;
  /** How often the tail is measured when `rowThreshold` > 0, in milliseconds (default 1000). */
  checkMs?: number;
  /** Reports each outcome (logging); errors never stop the refresher. */
  onRefresh?: (
    outcome: ({ result: TimelineRefresh | null } | { error: unknown }) & { reason: TimelineRefreshReason },
  ) => void;
}

/** A running refresher; `stop()` cancels the timer and waits for a refresh in progress. */
export interface TimelineRefresher {
  stop(): Promise<void>;
}

/**
 * Refreshes the timeline's daily counts every `intervalSeconds`, and whenever the live tail reaches
 * `rowThreshold` rows (measured every `checkMs`). A refresh never waits for one running elsewhere (in this
 * process or another instance): it skips, and the next check tries again. Whether it is due is decided again under
 * the refresh lock from the shared state, so several instances refresh once per interval between them.
 */
export function startTimelineRefresher(
  db: Database,
  { intervalSeconds, rowThreshold = 0, checkMs = 1000, onRefresh = () => undefined }: StartTimelineRefresherOptions,
): TimelineRefresher {
  const intervalMs = intervalSeconds * 1000;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  // The first check refreshes at once when there is an interval (as if the last refresh were an interval ago).
  let lastRefresh = Date.now() - intervalMs;

  /** The reason to refresh now, or null. A failed tail measure counts as no reason (the next check retries). */
  const due = (): Promise<TimelineRefreshReason | null> | TimelineRefreshReason | null => {
    if (intervalMs > 0 && Date.now() - lastRefresh >= intervalMs) return 'interval';
    if (rowThreshold <= 0) return null;
    return timelineTail(db).then(
      (tail) => (tail >= rowThreshold && !stopped ? 'rows' : null),
      () => null,
    );
  };

  const schedule = () => {
    if (stopped) return;
    const untilInterval = intervalMs > 0 ? Math.max(0, lastRefresh + intervalMs - Date.now()) : Infinity;
    const delay = rowThreshold > 0 ? Math.min(checkMs, untilInterval) : untilInterval;
    // Scheduling after the end (not setInterval) keeps a slow refresh from stacking up checks.
    if (Number.isFinite(delay)) timer = setTimeout(check, delay).unref();
  };

  const refresh = async (reason: TimelineRefreshReason | null) => {
    if (!reason) return;
    // A refresh for either reason restarts the interval: the counts are as fresh as the timer would make them.
    lastRefresh = Date.now();
    // Due is judged again under the lock from the shared state: another instance may just have refreshed.
    await refreshTimeline(db, { wait: false, ifDue: { ms: intervalMs, rows: rowThreshold } })
      .then((result) => onRefresh({ result, reason }))
      .catch((error: unknown) => onRefresh({ error, reason }));
  };

  const check = () => {
    // The interval is decided at once (so the first refresh has started when start returns); the tail needs a query.
    const reason = due();
    current = (typeof reason === 'string' || reason === null ? refresh(reason) : reason.then(refresh))
      .catch(() => undefined)
      .finally(schedule);
  };
  check();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
