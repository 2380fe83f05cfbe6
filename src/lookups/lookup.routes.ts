import { bodyObject, pathParam } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';
import type { LookupInput } from './lookup.service';

const LOOKUP_SELECTION = 'id mnemonic name description icon fontColorHex bgColorHex isSystem createdDate updatedDate';
const INPUT_FIELDS = ['mnemonic', 'name', 'description', 'icon', 'fontColorHex', 'bgColorHex'] as const;

interface GraphQLLookup {
  id: string;
  mnemonic: string;
  name: string;
  description: string | null;
  icon: string | null;
  fontColorHex: string | null;
  bgColorHex: string | null;
  isSystem: boolean;
  createdDate: string;
  updatedDate: string;
}

/** A lookup as REST returns it, field by field. */
export function presentLookup(row: GraphQLLookup) {
  return {
    id: row.id,
    mnemonic: row.mnemonic,
    name: row.name,
    description: row.description,
    icon: row.icon,
    fontColorHex: row.fontColorHex,
    bgColorHex: row.bgColorHex,
    isSystem: row.isSystem,
    createdDate: row.createdDate,
    updatedDate: row.updatedDate,
  };
}

function inputFrom(body: Record<string, unknown>): LookupInput {
  const input: Record<string, unknown> = {};
  for (const name of INPUT_FIELDS) if (body[name] !== undefined) input[name] = body[name];
  return input as LookupInput;
}

/** The five routes of one lookup kind, e.g. `/api/resource-types` over the resourceType* fields. */
function lookupRoutes(basePath: string, singular: string, plural: string, label: string): RestRoute[] {
  const pascal = singular[0].toUpperCase() + singular.slice(1);
  return [
    {
      method: 'get',
      path: basePath,
      summary: `List ${label}s`,
      operation: `query RestList${pascal}s { ${plural} { ${LOOKUP_SELECTION} } }`,
      present: (data: Record<string, GraphQLLookup[]>) => ({ data: data[plural].map(presentLookup) }),
      doc: { scope: 'read', response: ref('LookupList') },
    },
    {
      method: 'post',
      path: basePath,
      summary: `Create a ${label}`,
      operation: `mutation RestCreate${pascal}($input: LookupInput!) { create${pascal}(input: $input) { ${LOOKUP_SELECTION} } }`,
      variables: (req) => ({ input: inputFrom(bodyObject(req)) }),
      present: (data: Record<string, GraphQLLookup>) => presentLookup(data[`create${pascal}`]),
      status: 201,
      doc: { scope: 'admin', body: ref('LookupInput'), response: ref('Lookup'), errors: ['VALIDATION_ERROR', 'CONFLICT'] },
    },
    {
      method: 'get',
      path: `${basePath}/:id`,
      summary: `Get a ${label}`,
      operation: `query RestGet${pascal}($id: ID!) { ${singular}(id: $id) { ${LOOKUP_SELECTION} } }`,
      variables: (req) => ({ id: pathParam(req, 'id') }),
      present: (data: Record<string, GraphQLLookup>) => presentLookup(data[singular]),
      doc: { scope: 'read', params: [PARAMS.id(label)], response: ref('Lookup'), errors: ['VALIDATION_ERROR', 'NOT_FOUND'] },
    },
    {
      method: 'patch',
      path: `${basePath}/:id`,
      summary: `Change a ${label}`,
      operation: `mutation RestUpdate${pascal}($id: ID!, $input: LookupInput!) {
        update${pascal}(id: $id, input: $input) { ${LOOKUP_SELECTION} }
      }`,
      variables: (req) => ({ id: pathParam(req, 'id'), input: inputFrom(bodyObject(req)) }),
      present: (data: Record<string, GraphQLLookup>) => presentLookup(data[`update${pascal}`]),
      doc: {
        scope: 'admin',
        params: [PARAMS.id(label)],
        body: ref('LookupInput'),
        response: ref('Lookup'),
        errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
      },
    },
    {
      method: 'delete',
      path: `${basePath}/:id`,
      summary: `Delete a ${label} (409 when in use)`,
      operation: `mutation RestDelete${pascal}($id: ID!) { delete${pascal}(id: $id) { ${LOOKUP_SELECTION} } }`,
      variables: (req) => ({ id: pathParam(req, 'id') }),
      present: (data: Record<string, GraphQLLookup>) => presentLookup(data[`delete${pascal}`]),
      doc: {
        scope: 'admin',
        params: [PARAMS.id(label)],
        response: ref('Lookup'),
        errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
      },
    },
  ];
}

/** REST routes of the lookups domain. */
export const lookupRoutesTable: RestRoute[] = [
  ...lookupRoutes('/api/resource-types', 'resourceType', 'resourceTypes', 'resource type'),
  ...lookupRoutes('/api/actions', 'action', 'actions', 'action'),
  ...lookupRoutes('/api/origins', 'origin', 'origins', 'origin'),
];
