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

export interface InteractionFilter {
  resourceId?: string;
  interactionId?: string;
  uowId?: string;
  externalReference?: string;
  userId?: string;
  action?: string;
  resourceType?: string;
  origin?: string;
  startDate?: string;
  endDate?: string;
  page?: number;
  limit?: number;
  /** A `pagination.nextCursor`: the page after it (send the same filters; not with `page`). */
  cursor?: string;
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

export interface TimelineQuery {
  days?: number;
  startDate?: string;
  endDate?: string;
  granularity?: '15min' | 'hour' | '6hour' | 'day';
  resourceType?: string;
  action?: string;
  origin?: string;
}

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
    firstInteractionAt: string;
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
