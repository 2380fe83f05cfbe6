import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { buildOpenApiDocument, openApiPath } from '../../src/rest/openapi';
import type { RestRoute } from '../../src/rest/route';
import { REST_ROUTES } from '../../src/rest/routes';

const DOCUMENT_ID = 'https://interactions.local/openapi.json';

/** The document as the service serves it. */
export const OPENAPI_DOCUMENT = buildOpenApiDocument(REST_ROUTES);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...OPENAPI_DOCUMENT, $id: DOCUMENT_ID }, undefined, undefined, false);

const compiled = new Map<string, ValidateFunction>();
function validatorFor(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

const MATCHERS = REST_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`),
}));

/** The REST row Express would pick for `method url` (first match in table order), or undefined. */
export function routeFor(method: string, url: string): RestRoute | undefined {
  const path = url.split('?')[0].replace(/\/+$/, '') || '/';
  return MATCHERS.find((m) => m.route.method === method.toLowerCase() && m.pattern.test(path))?.route;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks a response of `method url` against the document: its status must be documented for the route and its
 * body must match that status's schema. Returns the problems (empty when it matches); responses of paths that
 * are not in the REST table (404 fallbacks, /graphql, /healthz…) are not checked.
 */
export function openApiProblems(method: string, url: string, status: number, body: unknown): string[] {
  const route = routeFor(method, url);
  if (!route) return [];
  const operation = (OPENAPI_DOCUMENT.paths[openApiPath(route.path)] as Record<string, { responses: Record<string, unknown> }>)[
    route.method
  ];
  const response = operation.responses[String(status)] as { $ref?: string } | undefined;
  const where = `${method.toUpperCase()} ${url} → ${status}`;
  if (!response) return [`${where}: status not documented for ${route.method.toUpperCase()} ${route.path}`];
  const pointer = response.$ref
    ? `${response.$ref}/content/${escape('application/json')}/schema`
    : `#/paths/${escape(openApiPath(route.path))}/${route.method}/responses/${status}/content/${escape('application/json')}/schema`;
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Throws when a response does not match the document (used by the shared supertest wrapper). */
export function assertMatchesOpenApi(method: string, url: string, res: { status: number; body: unknown }): void {
  const problems = openApiProblems(method, url, res.status, res.body);
  if (problems.length > 0) throw new Error(`Response does not match the OpenAPI document:\n${problems.join('\n')}`);
}
