// No Node-only import here: the web console bundles this module (through ./feed).

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

/** The InteractionsError a non-2xx answer describes (its JSON error body when it has one). */
export async function errorOf(response: Response, method: string, path: string): Promise<InteractionsError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as {
      error?: { code: string; message: string; details?: unknown };
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (parsed.error)
      return new InteractionsError(
        response.status,
        parsed.error.code,
        parsed.error.message,
        parsed.error.details,
        requestId,
      );
    if (parsed.errors?.[0]) {
      const first = parsed.errors[0];
      return new InteractionsError(
        response.status,
        first.extensions?.code ?? 'GRAPHQL_ERROR',
        first.message,
        parsed.errors,
        requestId,
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new InteractionsError(
    response.status,
    `HTTP_${response.status}`,
    `${method} ${path} answered ${response.status}`,
    text.slice(0, 500),
    requestId,
  );
}
