import { randomUUID } from 'node:crypto';

/** A failure the service reported (`{"error":{code,message,details}}`) or a transport failure (`status` 0). */
export class InteractionsError extends Error {
  constructor(
    /** HTTP status; 0 when no response came (network error, timeout). */
    readonly status: number,
    /** The service's error code (`VALIDATION_ERROR`, `RATE_LIMITED`…), or `NETWORK_ERROR`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The `x-request-id` of the failed response, to find it in the service log. */
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'InteractionsError';
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 5; 1 disables retries). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 200); doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Cap of a backoff delay in ms (default 10,000). */
  maxDelayMs?: number;
  /** Cap of a server's `Retry-After` in ms (default 60,000); a longer one is cut to this. */
  maxRetryAfterMs?: number;
}

export interface ClientOptions {
  /** e.g. `http://localhost:3000` (no trailing `/api`). */
  baseUrl: string;
  /** Sent as `x-api-key`. */
  apiKey: string;
  retry?: RetryOptions;
  /** Per-attempt timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Headers added to every request (e.g. `x-uowid` from `outgoingHeaders()`). */
  headers?: Record<string, string>;
  /** fetch implementation (default the global one). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** Safe to retry after a network error (GETs, and writes carrying an Idempotency-Key). */
  idempotent?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `Retry-After` as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The delay before retry number `attempt` (1-based): the server's Retry-After when given, else jittered backoff. */
export function retryDelayMs(attempt: number, retryAfter: number | null, options: Required<RetryOptions>): number {
  if (retryAfter !== null) return Math.min(retryAfter, options.maxRetryAfterMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(Math.random() * ceiling);
}

/** The HTTP core: JSON in and out, `x-api-key`, bounded retries on 429/503 (and network errors when idempotent). */
export class HttpClient {
  readonly baseUrl: string;
  private readonly retry: Required<RetryOptions>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 5),
      baseDelayMs: options.retry?.baseDelayMs ?? 200,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Sends a request and returns its parsed JSON body; throws InteractionsError for any non-2xx answer. */
  async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, 'x-api-key': this.options.apiKey };
    for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== undefined) headers[name] = value;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const idempotent = request.idempotent ?? method === 'GET';

    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        const failure = new InteractionsError(0, 'NETWORK_ERROR', `${method} ${path} failed: ${(error as Error).message}`);
        if (!idempotent || attempt >= this.retry.maxAttempts) throw failure;
        await sleep(retryDelayMs(attempt, null, this.retry));
        continue;
      }
      if (response.ok) {
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const error = await errorOf(response, method, path);
      if ((response.status === 429 || response.status === 503) && attempt < this.retry.maxAttempts) {
        await sleep(retryDelayMs(attempt, retryAfterMs(response.headers.get('retry-after')), this.retry));
        continue;
      }
      throw error;
    }
  }
}

async function errorOf(response: Response, method: string, path: string): Promise<InteractionsError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code: string; message: string; details?: unknown }; errors?: { message: string; extensions?: { code?: string } }[] };
    if (parsed.error) return new InteractionsError(response.status, parsed.error.code, parsed.error.message, parsed.error.details, requestId);
    if (parsed.errors?.[0]) {
      const first = parsed.errors[0];
      return new InteractionsError(response.status, first.extensions?.code ?? 'GRAPHQL_ERROR', first.message, parsed.errors, requestId);
    }
  } catch {
    // not JSON: fall through
  }
  return new InteractionsError(response.status, `HTTP_${response.status}`, `${method} ${path} answered ${response.status}`, text.slice(0, 500), requestId);
}

/** A fresh idempotency key. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
