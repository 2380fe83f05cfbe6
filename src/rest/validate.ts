import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppError } from '../errors/app-error';
import { COMPONENT_SCHEMAS } from './openapi.schemas';
import type { JsonSchema, RestParam, RestRoute, ValidationIssue } from './route';

export type { ValidationIssue } from './route';

/**
 * Validation of REST requests against each route's own OpenAPI schema: the schema that documents a parameter or a
 * body is the one that checks it. Parameters are checked with type coercion (a query string's `page=2` is the
 * integer 2), bodies without (a number sent for a string field is refused, never turned into text).
 */

const COMPONENTS_ID = 'https://interactions.local/openapi.json';

function newAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, coerceTypes, strict: false, useDefaults: false });
  addFormats(ajv, ['uuid', 'date-time', 'date']);
  // The OpenAPI document's component schemas, so `#/components/schemas/X` references resolve against them.
  ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: COMPONENT_SCHEMAS } });
  return ajv;
}

const paramsAjv = newAjv(true);
const bodyAjv = newAjv(false);

/** The schema with every component reference pointed at the shared components document. */
function resolvable(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${COMPONENTS_ID}#/components/`));
}

/** A JSON pointer (`/interactions/3/resourceId`) as a field path (`interactions[3].resourceId`). */
function fieldPath(pointer: string, prefix = ''): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), prefix);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

/** The message of one Ajv error, for people; `field` is already resolved. */
function describe(error: ErrorObject, field: string): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'type': {
      const types = String(params.type).split(',');
      return `${field} must be ${types.map((type) => TYPE_WORDS[type] ?? type).join(' or ')}`;
    }
    case 'minLength':
      return params.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${params.limit} characters`;
    case 'maxLength':
      return `${field} must be at most ${params.limit} characters`;
    case 'minimum':
      return `${field} must be ≥ ${params.limit}`;
    case 'maximum':
      return `${field} must be ≤ ${params.limit}`;
    case 'minItems':
      return `${field} must hold at least ${params.limit} item(s)`;
    case 'maxItems':
      return `${field} must hold at most ${params.limit} items`;
    case 'enum':
      return `${field} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'format':
      return params.format === 'uuid' ? `${field} must be a UUID` : `${field} must be a ${params.format}`;
    case 'pattern':
      return `${field} has the wrong form (${params.pattern})`;
    case 'additionalProperties':
      return `${field ? `${field}.` : ''}${params.additionalProperty} is not a known field`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/** Ajv's errors as issues, one per field (the first problem of each), in document order. */
function issuesOf(errors: readonly ErrorObject[], fieldOf: (pointer: string) => string): ValidationIssue[] {
  const byField = new Map<string, ValidationIssue>();
  for (const error of errors) {
    const pointer =
      error.keyword === 'required'
        ? `${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`
        : error.instancePath;
    const field = fieldOf(pointer);
    if (!byField.has(field)) byField.set(field, { field, message: describe(error, field) });
  }
  return [...byField.values()];
}

/** One VALIDATION_ERROR for a list of issues: `details.field` for one, `details.issues[]` for several. */
export function validationError(issues: readonly ValidationIssue[]): AppError {
  if (issues.length === 1) return new AppError('VALIDATION_ERROR', issues[0].message, { field: issues[0].field });
  return new AppError('VALIDATION_ERROR', issues.map((issue) => issue.message).join('; '), {
    field: issues[0].field,
    issues,
  });
}

/** The parameters of a request as Express hands them over (query values may be arrays or objects). */
export interface RawParams {
  path: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** A route's compiled checks. */
export interface RouteValidator {
  /** The documented parameters, checked and coerced; throws VALIDATION_ERROR naming each bad one. */
  params(raw: RawParams): {
    path: Record<string, string>;
    query: Record<string, unknown>;
    headers: Record<string, string | undefined>;
  };
  /** The body, checked; the problems found (empty when valid), with fields as JSON paths. */
  body(body: unknown): ValidationIssue[];
}

type Group = 'path' | 'query' | 'headers';
const LOCATION: Record<Group, RestParam['in']> = { path: 'path', query: 'query', headers: 'header' };

/** The key of a parameter in its group: headers by lower-case name (as Node hands them over), others as named. */
function keyOf(param: RestParam): string {
  return param.in === 'header' ? param.name.toLowerCase() : param.name;
}

function paramObject(params: readonly RestParam[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((param) => [keyOf(param), resolvable(param.schema)])),
    required: params.filter((param) => param.in === 'path' || param.required).map(keyOf),
  };
}

function rawValue(raw: RawParams, param: RestParam): unknown {
  if (param.in === 'path') return raw.path[param.name];
  if (param.in === 'query') return raw.query[param.name];
  return raw.headers[keyOf(param)];
}

/** Compiles the checks of a route from its documented parameters and body schema. */
export function compileRouteValidator(route: RestRoute): RouteValidator {
  const params = route.params ?? [];
  const groups = (Object.keys(LOCATION) as Group[]).map((group) => {
    const own = params.filter((param) => param.in === LOCATION[group]);
    return { group, own, validate: paramsAjv.compile(paramObject(own)) };
  });
  const body = route.body ? bodyAjv.compile(resolvable(route.body)) : null;

  return {
    params(raw) {
      const issues: ValidationIssue[] = [];
      const checked: Record<Group, Record<string, unknown>> = { path: {}, query: {}, headers: {} };
      for (const { group, own, validate } of groups) {
        const values = checked[group];
        for (const param of own) {
          const value = rawValue(raw, param);
          if (value === undefined || (param.in === 'header' && value === '')) continue;
          // A repeated (`?a=1&a=2`) or nested (`?a[b]=1`) parameter: refused by name rather than guessed at.
          if (typeof value !== 'string') {
            issues.push({
              field: param.field ?? param.name,
              message: `${param.name} must be given once, as a plain value`,
            });
            continue;
          }
          values[keyOf(param)] = value;
        }
        // Coerces in place: `values` holds the typed values afterwards.
        if (!validate(values)) {
          const fieldOf = (pointer: string) => {
            const key = fieldPath(pointer);
            const param = own.find((candidate) => keyOf(candidate) === key);
            return param?.field ?? param?.name ?? key;
          };
          issues.push(...issuesOf(validate.errors ?? [], fieldOf));
        }
      }
      if (issues.length > 0) throw validationError(issues);
      return {
        path: checked.path as Record<string, string>,
        query: checked.query,
        headers: checked.headers as Record<string, string | undefined>,
      };
    },
    body(value) {
      if (!body || body(value)) return [];
      return issuesOf(body.errors ?? [], (pointer) => fieldPath(pointer));
    },
  };
}
