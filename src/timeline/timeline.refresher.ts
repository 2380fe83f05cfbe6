import type { Database } from '../db/database';
import { refreshTimeline, type TimelineRefresh } from './timeline.service';

export interface StartTimelineRefresherOptions {
  /** Seconds between refreshes (> 0). The first refresh runs at once. */
  intervalSeconds: number;
  /** Reports each outcome (logging); errors never stop the timer. */
  onRefresh?: (outcome: { result: TimelineRefresh | null } | { error: unknown }) => void;
}

/** A running refresher; `stop()` cancels the timer and waits for a refresh in progress. */
export interface TimelineRefresher {
  stop(): Promise<void>;
}

/**
 * Refreshes the timeline view every `intervalSeconds`. A tick never waits for a refresh running elsewhere (in
 * this process or another instance): it skips, and the next tick tries again.
 */
export function startTimelineRefresher(
  db: Database,
  { intervalSeconds, onRefresh = () => undefined }: StartTimelineRefresherOptions,
): TimelineRefresher {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = () => {
    current = refreshTimeline(db, { wait: false })
      .then((result) => onRefresh({ result }))
      .catch((error: unknown) => onRefresh({ error }))
      .finally(() => {
        // Scheduling after the end (not setInterval) keeps a slow refresh from stacking up ticks.
        if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000).unref();
      });
  };
  tick();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
