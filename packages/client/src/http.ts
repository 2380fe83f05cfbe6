import { randomUUID } from 'node:crypto';
import { errorOf, InteractionsError } from './errors';
import { retryAfterMs, retryDelayMs, type RetryOptions } from './retry';

// Moved to their own browser-safe modules (the console follows the live feed with them); still exported from here.
export { InteractionsError } from './errors';
export { retryAfterMs, retryDelayMs, type RetryOptions } from './retry';

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

  /**
   * Sends a GET and returns the successful response unread, for a streamed answer (an export): retried like
   * `request` until the answer starts (429/503, network errors); once it streams, a failure ends the stream.
   */
  async open(path: string, request: Omit<RequestOptions, 'body'> & { accept: string }): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { ...this.options.headers, accept: request.accept };
    headers['x-api-key'] = this.options.apiKey;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, { method: 'GET', headers });
      } catch (error) {
        if (attempt >= this.retry.maxAttempts) {
          throw new InteractionsError(0, 'NETWORK_ERROR', `GET ${path} failed: ${(error as Error).message}`);
        }
        await sleep(retryDelayMs(attempt, null, this.retry));
        continue;
      }
      if (response.ok) return response;
      const error = await errorOf(response, 'GET', path);
      if ((response.status === 429 || response.status === 503) && attempt < this.retry.maxAttempts) {
        await sleep(retryDelayMs(attempt, retryAfterMs(response.headers.get('retry-after')), this.retry));
        continue;
      }
      throw error;
    }
  }

  /** Sends a request and returns its parsed JSON body; throws InteractionsError for any non-2xx answer. */
  async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers,
      'x-api-key': this.options.apiKey,
    };
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
        const failure = new InteractionsError(
          0,
          'NETWORK_ERROR',
          `${method} ${path} failed: ${(error as Error).message}`,
        );
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

/** A fresh idempotency key. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
