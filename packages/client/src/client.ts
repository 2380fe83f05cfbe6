import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { followFeed } from './feed';
import { HttpClient, InteractionsError, newIdempotencyKey, type ClientOptions } from './http';
import { InteractionLogger, type LoggerOptions } from './logger';
import type {
  ActivityPage,
  ActivityQuery,
  CreateContext,
  CreatedInteraction,
  FeedFilter,
  FeedItem,
  InteractionFilter,
  InteractionListItem,
  InteractionPage,
  Lookup,
  LookupInput,
  LookupKind,
  LoggedInteraction,
  NewInteraction,
  StreamOptions,
  Timeline,
  TimelineQuery,
  Trace,
  TraceSummary,
  TraceTimeline,
} from './types';

/** Context (uowId, userId, timestamp, idempotency key) → the documented create headers. */
export function createHeaders(context: CreateContext = {}): Record<string, string | undefined> {
  const timestamp = context.timestamp instanceof Date ? context.timestamp.toISOString() : context.timestamp;
  return {
    'x-uowid': context.uowId,
    'x-userid': context.userId,
    'x-interaction-timestamp': timestamp === undefined ? undefined : String(timestamp),
    'idempotency-key': context.idempotencyKey ?? newIdempotencyKey(),
  };
}

const enc = encodeURIComponent;

/**
 * Client of one Interactions service: REST helpers for the documented routes, typed GraphQL, retries with
 * backoff on 429/503 (honouring Retry-After), and an Idempotency-Key on every create so a retry records once.
 */
export class InteractionsClient {
  readonly http: HttpClient;

  constructor(readonly options: ClientOptions) {
    this.http = new HttpClient(options);
  }

  /** Runs a codegen-typed GraphQL operation (packages/client/src/generated) and returns its typed data. */
  async graphql<TResult, TVariables>(
    document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
    variables?: TVariables,
    options: { idempotent?: boolean } = {},
  ): Promise<TResult> {
    const query = document.toString();
    // Queries are safe to resend after a network error; mutations are not (429/503 are retried either way).
    const isQuery = !/(^|\n)\s*mutation\b/.test(query);
    const result = await this.http.request<{
      data?: TResult;
      errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
    }>('POST', '/graphql', { body: { query, variables }, idempotent: options.idempotent ?? isQuery });
    if (result.errors?.length) {
      const first = result.errors[0];
      throw new InteractionsError(
        200,
        first.extensions?.code ?? 'GRAPHQL_ERROR',
        first.message,
        first.extensions?.details,
      );
    }
    return result.data as TResult;
  }

  readonly interactions = {
    /** `POST /api/interactions` with an automatic Idempotency-Key (retries never duplicate). */
    create: (interaction: NewInteraction, context: CreateContext = {}): Promise<CreatedInteraction> =>
      this.http.request('POST', '/api/interactions', {
        body: interaction,
        headers: createHeaders(context),
        idempotent: true,
      }),
    /**
     * `POST /api/interactions/batch`: up to 1,000 at once, all or none, answered in input order; one Idempotency-Key
     * (yours or a new one) for the whole batch.
     */
    createBatch: async (
      interactions: LoggedInteraction[],
      options: { idempotencyKey?: string } = {},
    ): Promise<CreatedInteraction[]> => {
      const body = {
        interactions: interactions.map(({ timestamp, ...rest }) => ({
          ...rest,
          ...(timestamp === undefined
            ? {}
            : { interactionTimestamp: timestamp instanceof Date ? timestamp.toISOString() : String(timestamp) }),
        })),
      };
      const headers = { 'idempotency-key': options.idempotencyKey ?? newIdempotencyKey() };
      return (
        await this.http.request<{ data: CreatedInteraction[] }>('POST', '/api/interactions/batch', {
          body,
          headers,
          idempotent: true,
        })
      ).data;
    },
    /** `GET /api/interactions`: filters and paging, newest first. */
    list: (filter: InteractionFilter = {}): Promise<InteractionPage> =>
      this.http.request('GET', '/api/interactions', { query: { ...filter } }),
    /** `GET /api/interactions/:id`. */
    get: (id: string): Promise<InteractionListItem> => this.http.request('GET', `/api/interactions/${enc(id)}`),
    /** `GET /api/interactions/timeline`. */
    timeline: (query: TimelineQuery = {}): Promise<Timeline> =>
      this.http.request('GET', '/api/interactions/timeline', { query: { ...query } }),
  };

  readonly traces = {
    /** `GET /api/traces/:uowId`: chronological, paged. */
    get: (uowId: string, paging: { page?: number; limit?: number } = {}): Promise<Trace> =>
      this.http.request('GET', `/api/traces/${enc(uowId)}`, { query: paging }),
    timeline: (uowId: string): Promise<TraceTimeline> => this.http.request('GET', `/api/traces/${enc(uowId)}/timeline`),
    summary: (uowId: string): Promise<TraceSummary> => this.http.request('GET', `/api/traces/${enc(uowId)}/summary`),
  };

  /**
   * Every interaction matching `filter` (the list's filters), newest first, streamed from
   * `GET /api/interactions/export` as NDJSON and yielded one list item at a time: memory holds one network chunk,
   * and a slow consumer slows the server's reads. Breaking out of the loop closes the connection.
   *
   *     for await (const item of client.export({ resourceType: 'ORDER' })) save(item);
   */
  async *export(filter: InteractionFilter = {}): AsyncGenerator<InteractionListItem> {
    const response = await this.http.open('/api/interactions/export', {
      query: { ...filter },
      accept: 'application/x-ndjson',
    });
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        pending += decoder.decode(value, { stream: !done });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line) yield JSON.parse(line) as InteractionListItem;
        if (done) break;
      }
      if (pending) yield JSON.parse(pending) as InteractionListItem;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  /**
   * The live feed: every interaction matching `filter` (the list's filters) recorded from now on, or after
   * `options.after`, as `{ cursor, item }` in feed order, for as long as the loop runs (`GET /api/interactions/stream`).
   * A dropped connection, or the server ending the stream (a restart, a consumer too slow), is resumed by itself from
   * the last cursor after a short backoff, so every match arrives exactly once. Store `cursor` to continue later with
   * `{ after: cursor }`. Breaking out of the loop or aborting `options.signal` closes the request.
   *
   *     for await (const { cursor, item } of client.stream({ resourceType: 'ORDER' }, { after: saved })) {
   *       handle(item);
   *       saved = cursor;
   *     }
   */
  stream(filter: FeedFilter = {}, options: StreamOptions = {}): AsyncGenerator<FeedItem, void, undefined> {
    return followFeed({
      baseUrl: this.http.baseUrl,
      apiKey: this.options.apiKey,
      headers: this.options.headers,
      fetch: this.options.fetch,
      filter,
      after: options.after,
      signal: options.signal,
      reconnect: options.reconnect,
    });
  }

  /** `POST /api/activity` (a query: safe to retry). */
  activity(query: ActivityQuery): Promise<ActivityPage> {
    return this.http.request('POST', '/api/activity', { body: query, idempotent: true });
  }

  /** Lookup management over `/api/resource-types`, `/api/actions` or `/api/origins`. */
  lookups(kind: LookupKind) {
    const base = `/api/${kind}`;
    return {
      list: async (): Promise<Lookup[]> => (await this.http.request<{ data: Lookup[] }>('GET', base)).data,
      get: (id: string): Promise<Lookup> => this.http.request('GET', `${base}/${enc(id)}`),
      create: (input: LookupInput & { mnemonic: string }): Promise<Lookup> =>
        this.http.request('POST', base, { body: input }),
      update: (id: string, input: LookupInput): Promise<Lookup> =>
        this.http.request('PATCH', `${base}/${enc(id)}`, { body: input }),
      delete: (id: string): Promise<Lookup> => this.http.request('DELETE', `${base}/${enc(id)}`),
    };
  }

  /** The OpenAPI document of the service (public). */
  openApi(): Promise<Record<string, unknown>> {
    return this.http.request('GET', '/api/openapi.json');
  }

  /** A buffered logger that batches creates in the background; `close()` it on shutdown. */
  logger(options: LoggerOptions = {}): InteractionLogger {
    return new InteractionLogger(this.http, options);
  }
}
