import * as operations from '../generated/graphql';
import { PARAMS, ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';
import { LOOKUP_KINDS, LOOKUP_KIND_NAMES, type LookupKind } from './lookup.kinds';

type Pascal = 'ResourceType' | 'Action' | 'Origin';

/** The five routes of one lookup kind, e.g. `/api/resource-types`; its operations' aliases give the REST shapes. */
function lookupRoutes(kind: LookupKind): RestRoute[] {
  const { path, label } = LOOKUP_KINDS[kind];
  const pascal = (kind[0].toUpperCase() + kind.slice(1)) as Pascal;
  const id = [PARAMS.id(label)];
  return [
    operationRoute({
      method: 'get',
      path,
      summary: `List ${label}s`,
      scope: 'read',
      operation: operations[`RestList${pascal}sDocument`],
      variables: () => ({}),
      present: (data) => data,
      response: ref('LookupList'),
    }),
    operationRoute({
      method: 'post',
      path,
      summary: `Create ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`,
      scope: 'admin',
      body: ref('LookupInput'),
      errors: ['VALIDATION_ERROR', 'CONFLICT'],
      operation: operations[`RestCreate${pascal}Document`],
      variables: ({ body }) => ({ input: lookupInputOf(body) }),
      present: (data) => data.lookup,
      status: 201,
      response: ref('Lookup'),
    }),
    operationRoute({
      method: 'get',
      path: `${path}/:id`,
      summary: `Get ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`,
      scope: 'read',
      params: id,
      errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
      operation: operations[`RestGet${pascal}Document`],
      variables: ({ path: { id: lookupId } }) => ({ id: lookupId }),
      present: (data) => data.lookup,
      response: ref('Lookup'),
    }),
    operationRoute({
      method: 'patch',
      path: `${path}/:id`,
      summary: `Change ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`,
      scope: 'admin',
      params: id,
      body: ref('LookupInput'),
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
      operation: operations[`RestUpdate${pascal}Document`],
      variables: ({ path: { id: lookupId }, body }) => ({ id: lookupId, input: lookupInputOf(body) }),
      present: (data) => data.lookup,
      response: ref('Lookup'),
    }),
    operationRoute({
      method: 'delete',
      path: `${path}/:id`,
      summary: `Delete ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label} (409 when in use)`,
      scope: 'admin',
      params: id,
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
      operation: operations[`RestDelete${pascal}Document`],
      variables: ({ path: { id: lookupId } }) => ({ id: lookupId }),
      present: (data) => data.lookup,
      response: ref('Lookup'),
    }),
  ];
}

/** The LookupInput fields of a body (the schema allows no others to matter). */
function lookupInputOf(body: unknown): operations.LookupInput {
  const { mnemonic, name, description, icon, fontColorHex, bgColorHex } = body as operations.LookupInput;
  return Object.fromEntries(
    Object.entries({ mnemonic, name, description, icon, fontColorHex, bgColorHex }).filter(([, v]) => v !== undefined),
  );
}

/** REST routes of the lookups domain: five per kind. */
export const lookupRoutesTable: RestRoute[] = LOOKUP_KIND_NAMES.flatMap(lookupRoutes);
