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
  const operation = (
    OPENAPI_DOCUMENT.paths[openApiPath(route.path)] as Record<string, { responses: Record<string, unknown> }>
  )[route.method];
  const response = operation.responses[String(status)] as { $ref?: string } | undefined;
  const where = `${method.toUpperCase()} ${url} → ${status}`;
  if (!response) return [`${where}: status not documented for ${route.method.toUpperCase()} ${route.path}`];
  // A stream's success is not one JSON document: each NDJSON line, or the data of each SSE `interaction` event, must
  // match the documented record of its media type.
  if (route.kind === 'stream' && status < 300) {
    const text = typeof body === 'string' ? body : '';
    const eventStream = /^(retry|id|event): /m.test(text);
    const mediaType = eventStream ? 'text/event-stream' : 'application/x-ndjson';
    const record = `#/paths/${escape(openApiPath(route.path))}/${route.method}/responses/${status}/content/${escape(mediaType)}/schema`;
    const validateRecord = validatorFor(record);
    const records = eventStream
      ? text
          .split('\n\n')
          .filter((block) => /^event: interaction$/m.test(block))
          .map((block) => block.match(/^data: (.*)$/m)?.[1] ?? '')
      : text.split('\n').filter(Boolean);
    return records.flatMap((line, i) => {
      if (line.startsWith('interactionId,')) return []; // a CSV answer's header: the CSV body is a string
      try {
        return validateRecord(JSON.parse(line))
          ? []
          : [`${where}: record ${i + 1} ${JSON.stringify(validateRecord.errors)}`];
      } catch {
        return []; // a CSV line
      }
    });
  }
  const pointer = response.$ref
    ? `${response.$ref}/content/${escape('application/json')}/schema`
    : `#/paths/${escape(openApiPath(route.path))}/${route.method}/responses/${status}/content/${escape('application/json')}/schema`;
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/** Throws when a response does not match the document (used by the shared supertest wrapper). */
export function assertMatchesOpenApi(method: string, url: string, res: { status: number; body: unknown }): void {
  // A streamed answer (NDJSON, CSV) is not parsed by supertest: its text is the body.
  const text = (res as { text?: string }).text;
  const streamed =
    typeof text === 'string' &&
    /^(application\/x-ndjson|text\/csv)/.test(
      String((res as { headers?: Record<string, string> }).headers?.['content-type'] ?? ''),
    );
  const problems = openApiProblems(method, url, res.status, streamed ? text : res.body);
  if (problems.length > 0) throw new Error(`Response does not match the OpenAPI document:\n${problems.join('\n')}`);
}
