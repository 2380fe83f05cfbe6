import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { HttpClient, InteractionsError, newIdempotencyKey, type ClientOptions } from './http';
import { InteractionLogger, type LoggerOptions } from './logger';
import type {
  ActivityPage,
  ActivityQuery,
  CreateContext,
  CreatedInteraction,
  InteractionFilter,
  InteractionListItem,
  InteractionPage,
  Lookup,
  LookupInput,
  LookupKind,
  LoggedInteraction,
  NewInteraction,
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
    const result = await this.http.request<{ data?: TResult; errors?: { message: string; extensions?: { code?: string; details?: unknown } }[] }>(
      'POST',
      '/graphql',
      { body: { query, variables }, idempotent: options.idempotent ?? isQuery },
    );
    if (result.errors?.length) {
      const first = result.errors[0];
      throw new InteractionsError(200, first.extensions?.code ?? 'GRAPHQL_ERROR', first.message, first.extensions?.details);
    }
    return result.data as TResult;
  }

  readonly interactions = {
    /** `POST /api/interactions` with an automatic Idempotency-Key (retries never duplicate). */
    create: (interaction: NewInteraction, context: CreateContext = {}): Promise<CreatedInteraction> =>
      this.http.request('POST', '/api/interactions', { body: interaction, headers: createHeaders(context), idempotent: true }),
    /**
     * `POST /api/interactions/batch`: up to 1,000 at once, all or none, answered in input order; one Idempotency-Key
     * (yours or a new one) for the whole batch.
     */
    createBatch: async (interactions: LoggedInteraction[], options: { idempotencyKey?: string } = {}): Promise<CreatedInteraction[]> => {
      const body = {
        interactions: interactions.map(({ timestamp, ...rest }) => ({
          ...rest,
          ...(timestamp === undefined ? {} : { interactionTimestamp: timestamp instanceof Date ? timestamp.toISOString() : String(timestamp) }),
        })),
      };
      const headers = { 'idempotency-key': options.idempotencyKey ?? newIdempotencyKey() };
      return (await this.http.request<{ data: CreatedInteraction[] }>('POST', '/api/interactions/batch', { body, headers, idempotent: true })).data;
    },
    /** `GET /api/interactions`: filters and paging, newest first. */
    list: (filter: InteractionFilter = {}): Promise<InteractionPage> =>
      this.http.request('GET', '/api/interactions', { query: { ...filter } }),
    /** `GET /api/interactions/:id`. */
    get: (id: string): Promise<InteractionListItem> => this.http.request('GET', `/api/interactions/${enc(id)}`),
    /** `GET /api/interactions/timeline`. */
    timeline: (query: TimelineQuery = {}): Promise<Timeline> => this.http.request('GET', '/api/interactions/timeline', { query: { ...query } }),
  };

  readonly traces = {
    /** `GET /api/traces/:uowId`: chronological, paged. */
    get: (uowId: string, paging: { page?: number; limit?: number } = {}): Promise<Trace> =>
      this.http.request('GET', `/api/traces/${enc(uowId)}`, { query: paging }),
    timeline: (uowId: string): Promise<TraceTimeline> => this.http.request('GET', `/api/traces/${enc(uowId)}/timeline`),
    summary: (uowId: string): Promise<TraceSummary> => this.http.request('GET', `/api/traces/${enc(uowId)}/summary`),
  };

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
      create: (input: LookupInput & { mnemonic: string }): Promise<Lookup> => this.http.request('POST', base, { body: input }),
      update: (id: string, input: LookupInput): Promise<Lookup> => this.http.request('PATCH', `${base}/${enc(id)}`, { body: input }),
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
