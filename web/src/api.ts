import type { TypedDocumentString } from './generated/graphql';
import { getSession } from './session';

/** A failed GraphQL call, with the API's error code (UNAUTHENTICATED, FORBIDDEN, VALIDATION_ERROR, …). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Fired when the API says the key is no longer valid, so the app can go back to sign-in. */
export const AUTH_LOST_EVENT = 'interactions:auth-lost';

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs one typed operation against /graphql with the session's key (or the given one). */
export async function gql<R, V>(
  document: TypedDocumentString<R, V>,
  variables?: V,
  options: { key?: string; signal?: AbortSignal } = {},
): Promise<R> {
  const key = options.key ?? getSession()?.key ?? '';
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('NETWORK', 'The service did not answer. Is it running?', 0);
  }
  let body: GraphQLResponse<R>;
  try {
    body = (await response.json()) as GraphQLResponse<R>;
  } catch {
    throw new ApiError('INTERNAL', `Unexpected answer from the service (HTTP ${response.status})`, response.status);
  }
  const first = body.errors?.[0];
  if (first || !body.data) {
    const code = first?.extensions?.code ?? (response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
    const error = new ApiError(code, first?.message ?? `HTTP ${response.status}`, response.status);
    if (code === 'UNAUTHENTICATED' && options.key === undefined) window.dispatchEvent(new Event(AUTH_LOST_EVENT));
    throw error;
  }
  return body.data;
}

/** A sentence for a person, with the HTTP meaning of the code. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return `401 Unauthenticated: ${error.message}.`;
    case 'FORBIDDEN':
      return `403 Forbidden: ${error.message}.`;
    case 'NOT_FOUND':
      return `Not found: ${error.message}.`;
    case 'GRAPHQL_VALIDATION_FAILED':
      return `This service does not offer that yet (${error.message}).`;
    default:
      return error.message;
  }
}

/** Formats of `GET /api/interactions/export`. */
export type ExportFormat = 'ndjson' | 'csv';

/**
 * Downloads every interaction matching `filter` (the list's filters) from `GET /api/interactions/export` as a file:
 * NDJSON or CSV. The browser holds the file until it is saved; for exports of millions of rows use the API or the SDK
 * (`client.export()`), which stream.
 */
export async function downloadExport(filter: Record<string, unknown>, format: ExportFormat): Promise<void> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value != null && value !== '') query.set(name, String(value));
  const response = await fetch(`/api/interactions/export?${query}`, {
    headers: { 'x-api-key': getSession()?.key ?? '', accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
  }).catch(() => {
    throw new ApiError('NETWORK', 'The service did not answer. Is it running?', 0);
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(
      body?.error?.code ?? 'INTERNAL',
      body?.error?.message ?? `HTTP ${response.status}`,
      response.status,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `interactions-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
