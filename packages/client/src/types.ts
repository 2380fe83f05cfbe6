import type { InteractionFilterInput, TimelineFilterInput } from './generated/graphql';

/** REST shapes of the Interactions service, as /api/openapi.json documents them. */

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** Body of `POST /api/interactions` (and one item of the logger). */
export interface NewInteraction {
  resourceId: string;
  resourceType?: string;
  resourceTypeId?: string;
  action?: string;
  actionId?: string;
  origin?: string;
  originId?: string;
  interaction?: unknown;
  externalReference?: string;
  externalResponse?: unknown;
}

/** Per-create context sent as headers (x-uowid, x-userid, x-interaction-timestamp, Idempotency-Key). */
export interface CreateContext {
  uowId?: string;
  userId?: string;
  /** ISO-8601 string, Date or epoch milliseconds. */
  timestamp?: string | number | Date;
  /** Generated when absent, so a retried create is recorded once. */
  idempotencyKey?: string;
}

/** An interaction for the buffered logger: the body plus its context. */
export type LoggedInteraction = NewInteraction & Omit<CreateContext, 'idempotencyKey'>;

export interface CreatedInteraction {
  interactionId: string;
  interactionNumber: number;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: unknown;
  externalReference: string | null;
  uowId: string;
  userId: string | null;
  createdDate: string;
  interactionTimestamp: string | null;
}

export interface InteractionListItem extends CreatedInteraction {
  resourceTypeMnemonic: string;
  resourceTypeIcon: string | null;
  resourceTypeFontColorHex: string | null;
  resourceTypeBgColorHex: string | null;
  actionMnemonic: string;
  actionIcon: string | null;
  actionFontColorHex: string | null;
  actionBgColorHex: string | null;
  originMnemonic: string;
  originIcon: string | null;
  originFontColorHex: string | null;
  originBgColorHex: string | null;
  externalResponse: unknown;
}

/** Each filter of a generated GraphQL filter input as a plain optional string (the REST query parameter). */
type FilterParams<T> = { [K in keyof T]?: string };

/**
 * The list's filters and paging. The filters come from the schema's `InteractionFilterInput` (the server declares
 * each filter once), so a filter added there is offered here after `npm run codegen`.
 */
export type InteractionFilter = FilterParams<InteractionFilterInput> & {
  page?: number;
  limit?: number;
  /** A `pagination.nextCursor`: the page after it (send the same filters; not with `page`). */
  cursor?: string;
};

/** The live feed's filters: the list's, without paging. */
export type FeedFilter = Omit<InteractionFilter, 'page' | 'limit' | 'cursor'>;

/** One interaction of the live feed: the list item, and the cursor to resume after it (store it, pass it as `after`). */
export interface FeedItem {
  cursor: string;
  item: InteractionListItem;
}

/** How a follower of the live feed reconnects. */
export interface ReconnectOptions {
  /** Connections in a row that may fail before reaching `ready` (default 20, about two minutes of backoff); the last error is then thrown. */
  maxAttempts?: number;
  /** First delay before connecting again in ms (default 250); doubles per failed attempt, with full jitter. */
  baseDelayMs?: number;
  /** Cap of that delay, and of a server's `Retry-After`, in ms (default 15,000). */
  maxDelayMs?: number;
  /** Silence (no event, no heartbeat) after which a connection is taken for dead, in ms (default 45,000). */
  idleTimeoutMs?: number;
}

/** Options of `client.stream()`. */
export interface StreamOptions {
  /** Start after this cursor (a `cursor` received earlier; `'0'` replays the whole log); absent: from now on. */
  after?: string;
  /** Aborting it ends the loop without an error and closes the connection. */
  signal?: AbortSignal;
  reconnect?: ReconnectOptions;
}

export interface InteractionPage {
  data: InteractionListItem[];
  /** `nextCursor` continues after this page's last item; null on the last page. */
  pagination: Pagination & { nextCursor: string | null };
}

export interface Trace {
  uowId: string;
  data: InteractionListItem[];
  pagination: Pagination;
}

export interface TraceTimeline {
  uowId: string;
  data: {
    interactionId: string;
    interactionNumber: number;
    timestamp: string;
    offsetMs: number;
    resourceId: string;
    resourceType: string;
    action: string;
    origin: string;
    userId: string | null;
  }[];
}

export interface TraceSummary {
  uowId: string;
  totalInteractions: number;
  startTime: string;
  endTime: string;
  durationMs: number;
  uniqueActions: string[];
  resourceTypes: string[];
  origins: string[];
  resourceCount: number;
  userIds: string[];
}

/**
 * A timeline's bucket size, as the service declares it (src/input/granularity.ts). Written out here because the
 * schema cannot carry it: GraphQL enum values may not start with a digit (`15min`, `6hour`), so `granularity` is a
 * String there and codegen has no union to give. test/timeline/granularity-copies.test.ts fails the type-check when
 * this copy and the service's declaration differ.
 */
export type TimelineGranularity = '15min' | 'hour' | '6hour' | 'day';

/** A timeline request: its range, and every filter of the list (`TimelineFilterInput` of the schema). */
export type TimelineQuery = FilterParams<TimelineFilterInput> & {
  days?: number;
  startDate?: string;
  endDate?: string;
  granularity?: TimelineGranularity;
};

export interface Timeline {
  granularity: string;
  startDate: string;
  endDate: string;
  refreshedAt: string | null;
  data: { bucket: string; count: number }[];
}

export interface ActivityQuery {
  resources: { resourceId: string; resourceType?: string }[];
  startDate?: string;
  endDate?: string;
  page?: number;
  limit?: number;
}

export interface ActivityPage {
  data: {
    userId: string | null;
    uowId: string;
    interactionCount: number;
    /** When the earliest matching interaction was recorded (createdDate, the clock the range filters by). */
    firstInteractionAt: string;
    /** When the latest matching interaction was recorded (createdDate); groups are ordered by it. */
    lastInteractionAt: string;
    resources: { resourceId: string; resourceType: string }[];
    actions: string[];
  }[];
  pagination: Pagination;
}

export interface Lookup {
  id: string;
  mnemonic: string;
  name: string;
  description: string | null;
  icon: string | null;
  fontColorHex: string | null;
  bgColorHex: string | null;
  isSystem: boolean;
  createdDate: string;
  updatedDate: string;
}

export interface LookupInput {
  mnemonic?: string;
  name?: string | null;
  description?: string | null;
  icon?: string | null;
  fontColorHex?: string | null;
  bgColorHex?: string | null;
}

export type LookupKind = 'resource-types' | 'actions' | 'origins';
