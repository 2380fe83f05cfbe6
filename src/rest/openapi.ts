import { httpStatusFor, type ErrorCode } from '../errors/app-error';
import { COMPONENT_SCHEMAS } from './openapi.schemas';
import { ERROR_CODES } from './schema';
import type { RestParam, RestRoute } from './route';

/** Error codes any authenticated route may answer, whatever it does. */
const COMMON_ERRORS: readonly ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE'];

const ERROR_RESPONSE_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'RateLimited',
  500: 'Internal',
  503: 'Unavailable',
};

/** Express `/api/things/:id` → OpenAPI `/api/things/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `GET /api/things/:id` → `getApiThingsById`, a stable operationId. */
function operationId(route: RestRoute): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return route.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function parameter(param: RestParam) {
  return {
    name: param.name,
    in: param.in,
    required: param.in === 'path' ? true : (param.required ?? false),
    description: param.description,
    schema: param.schema,
  };
}

function errorResponses(codes: readonly ErrorCode[]) {
  const statuses = [...new Set([...codes, ...COMMON_ERRORS].map(httpStatusFor))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status]}` }]),
  );
}

function errorResponseComponents() {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODES) {
    const status = httpStatusFor(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()].map(([status, codes]) => [
      ERROR_RESPONSE_NAMES[status],
      {
        description: `Error ${codes.map((c) => `\`${c}\``).join(', ')}`,
        headers: {
          'x-request-id': { $ref: '#/components/headers/RequestId' },
          ...(status === 429 || status === 503 ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
        },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

/** The success response of a route: its JSON schema, or one media type per format a stream can answer in. */
function successResponse(route: RestRoute) {
  const content =
    route.kind === 'operation'
      ? { 'application/json': { schema: route.response } }
      : Object.fromEntries(Object.entries(route.produces).map(([type, schema]) => [type, { schema }]));
  return {
    description: route.summary,
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    content,
  };
}

/** The status of a route's success answer. */
export function successStatus(route: RestRoute): number {
  return route.kind === 'operation' ? (route.status ?? 200) : 200;
}

/** The OpenAPI 3.1 document of the REST table: every route from its own row, none written beside it. */
export function buildOpenApiDocument(routes: readonly RestRoute[], version = '0.1.0') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const scopeLine = `Requires the \`${route.scope}\` scope (an \`admin\` key may do everything).`;
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      description: route.description ? `${route.description}\n\n${scopeLine}` : scopeLine,
      tags: [route.path.split('/')[2]],
      'x-required-scope': route.scope,
      security: [{ apiKey: [] }],
      parameters: [...(route.params ?? []).map(parameter), { $ref: '#/components/parameters/RequestId' }],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses: {
        [String(successStatus(route))]: successResponse(route),
        ...errorResponses(route.errors ?? []),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Interactions service',
      version,
      description:
        'Self-hosted interaction log. Every `/api/*` route needs an API key in `x-api-key` (scopes: `read`, `write`, `admin`; ' +
        '`admin` grants all). Errors are `{"error":{"code","message","details?"}}`. 429 and 503 carry `Retry-After` (seconds). ' +
        'GraphQL (POST /graphql) offers the same operations; see schema.graphql. This document is public: GET /api/openapi.json needs no key.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'An API key; its scopes (read, write, admin) decide what it may do. See `x-required-scope` on each operation.',
        },
      },
      parameters: {
        RequestId: {
          name: 'x-request-id',
          in: 'header',
          required: false,
          description:
            'Correlation id echoed in the response and the service log (a new UUID when absent or malformed).',
          schema: { type: 'string' },
        },
      },
      headers: {
        RequestId: { description: 'Correlation id of the request.', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
      },
      responses: errorResponseComponents(),
      schemas: COMPONENT_SCHEMAS,
    },
  };
}

/** JSON pointer (inside the document) to the success response schema of a route, for validators. */
export function responseSchemaPointer(route: RestRoute, status: number): string {
  const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const success = status === successStatus(route);
  if (!success) return '#/components/schemas/Error';
  return `#/paths/${escape(openApiPath(route.path))}/${route.method}/responses/${status}/content/${escape('application/json')}/schema`;
}
