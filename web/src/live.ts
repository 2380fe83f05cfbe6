import { useEffect, useRef, useState } from 'react';
// The SDK's follower, not a copy: how to resume (from which cursor, after which events, how long to wait) is one rule,
// tested against the real service in test/client/stream.test.ts. It imports nothing Node-only.
import { followFeed, type FeedStatus } from '../../packages/client/src/feed';
import type { FeedFilter, InteractionListItem } from '../../packages/client/src/types';
import { AUTH_LOST_EVENT } from './api';
import type { InteractionRowFragment } from './generated/graphql';
import type { LookupKind, LookupRow } from './lookups';
import { getSession } from './session';

/** Where the console's live stream stands; `stopped` when it is off or gave up. */
export type LiveStatus = FeedStatus | 'stopped';

export interface LiveFeedState {
  status: LiveStatus;
  /** Why it gave up (a refused key, a bad filter), or null. */
  error: unknown;
  /**
   * True once the stream for the current filter has its starting position (or gave up, or is slow to start): a list
   * loaded from then on plus the stream's rows leave no gap between them.
   */
  started: boolean;
}

// Rows arriving together are handed over together: a burst of events is one render, not one per row.
const BATCH_MS = 50;
// A stream slow to start must not keep the page empty: the list loads anyway after this.
const START_WAIT_MS = 3000;
// The console keeps trying while it is open (a laptop waking up, a service restarting), without hammering.
const RECONNECT = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 5000 };

/**
 * Follows `GET /api/interactions/stream` for `filter` while `enabled`, with the session's key, handing new list items
 * to `onItems` in feed order (oldest first), in batches. It reconnects by itself after a drop, resuming from the last
 * event's cursor; a new filter (compared as JSON) opens a new stream from now on. It closes when disabled or unmounted.
 */
export function useLiveFeed(
  filter: FeedFilter,
  enabled: boolean,
  onItems: (items: InteractionListItem[]) => void,
): LiveFeedState {
  const key = JSON.stringify(filter);
  const [state, setState] = useState({ key, status: 'stopped' as LiveStatus, error: null as unknown, started: false });
  // The newest callback, without reopening the stream when the caller's closure changes.
  const handler = useRef(onItems);
  handler.current = onItems;

  useEffect(() => {
    if (!enabled) {
      setState({ key, status: 'stopped', error: null, started: false });
      return;
    }
    const controller = new AbortController();
    let batch: InteractionListItem[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const items = batch;
      batch = [];
      if (items.length > 0 && !controller.signal.aborted) handler.current(items);
    };
    const update = (changes: Partial<typeof state>) =>
      setState((s) => (controller.signal.aborted ? s : { ...s, key, ...changes }));
    setState({ key, status: 'connecting', error: null, started: false });
    const slow = setTimeout(() => update({ started: true }), START_WAIT_MS);

    (async () => {
      for await (const { item } of followFeed({
        baseUrl: window.location.origin,
        apiKey: getSession()?.key ?? '',
        filter: JSON.parse(key) as FeedFilter,
        signal: controller.signal,
        reconnect: RECONNECT,
        onStatus: (status) => setState((s) => ({ ...s, key, status, started: s.started || status === 'live' })),
      })) {
        batch.push(item);
        timer ??= setTimeout(flush, BATCH_MS);
      }
    })().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      if ((error as { code?: string }).code === 'UNAUTHENTICATED') window.dispatchEvent(new Event(AUTH_LOST_EVENT));
      update({ status: 'stopped', error, started: true });
    });

    return () => {
      controller.abort();
      clearTimeout(timer);
      clearTimeout(slow);
    };
  }, [key, enabled]);

  const current = state.key === key;
  return {
    status: enabled ? (current ? state.status : 'connecting') : 'stopped',
    error: current ? state.error : null,
    started: enabled && current && state.started,
  };
}

/** A lookup of a row: its name from the loaded lookups, its id, mnemonic, icon and colours from the item. */
function lookupOf(
  find: (kind: LookupKind, mnemonic: string) => LookupRow | { mnemonic: string },
  kind: LookupKind,
  item: InteractionListItem,
): InteractionRowFragment['resourceType'] {
  const fields = {
    resourceType: [
      item.resourceTypeId,
      item.resourceTypeMnemonic,
      item.resourceTypeIcon,
      item.resourceTypeFontColorHex,
      item.resourceTypeBgColorHex,
    ],
    action: [item.actionId, item.actionMnemonic, item.actionIcon, item.actionFontColorHex, item.actionBgColorHex],
    origin: [item.originId, item.originMnemonic, item.originIcon, item.originFontColorHex, item.originBgColorHex],
  } as const;
  const [id, mnemonic, icon, fontColorHex, bgColorHex] = fields[kind];
  const known = find(kind, mnemonic);
  return { id, mnemonic, name: 'name' in known ? known.name : mnemonic, icon, fontColorHex, bgColorHex };
}

/** A list item of the stream (REST shape) as a row of the table (the GraphQL `InteractionRow` fragment). */
export function rowOfItem(
  item: InteractionListItem,
  find: (kind: LookupKind, mnemonic: string) => LookupRow | { mnemonic: string },
): InteractionRowFragment {
  return {
    id: item.interactionId,
    interactionNumber: item.interactionNumber,
    resourceId: item.resourceId,
    uowId: item.uowId,
    userId: item.userId,
    createdDate: item.createdDate,
    interactionTimestamp: item.interactionTimestamp,
    externalReference: item.externalReference,
    resourceType: lookupOf(find, 'resourceType', item),
    action: lookupOf(find, 'action', item),
    origin: lookupOf(find, 'origin', item),
  };
}
