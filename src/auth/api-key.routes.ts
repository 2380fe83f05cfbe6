import { bodyObject, pathParam } from '../rest/params';
import { PARAMS, ref } from '../rest/openapi.schemas';
import type { RestRoute } from '../rest/route';

const KEY_SELECTION = 'id name prefix scopes createdDate lastUsedDate revokedDate';

interface GraphQLApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdDate: string;
  lastUsedDate: string | null;
  revokedDate: string | null;
}

/** An API key as REST lists it: never the key or its hash. */
export function presentApiKey(row: GraphQLApiKey) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdDate: row.createdDate,
    lastUsedDate: row.lastUsedDate,
    revokedDate: row.revokedDate,
  };
}

/** REST routes for managing API keys (admin scope). */
export const apiKeyRoutes: RestRoute[] = [
  {
    method: 'get',
    path: '/api/keys',
    summary: 'List API keys',
    operation: `query RestListApiKeys { apiKeys { ${KEY_SELECTION} } }`,
    present: (data: { apiKeys: GraphQLApiKey[] }) => ({ data: data.apiKeys.map(presentApiKey) }),
    doc: { scope: 'admin', response: ref('ApiKeyList') },
  },
  {
    method: 'post',
    path: '/api/keys',
    summary: 'Create an API key; the response carries the key once',
    operation: `mutation RestCreateApiKey($input: CreateApiKeyInput!) {
      createApiKey(input: $input) { key apiKey { ${KEY_SELECTION} } }
    }`,
    variables: (req) => {
      const body = bodyObject(req);
      return { input: { name: body.name, scopes: typeof body.scopes === 'string' ? body.scopes.split(',') : body.scopes } };
    },
    present: (data: { createApiKey: { key: string; apiKey: GraphQLApiKey } }) => ({
      ...presentApiKey(data.createApiKey.apiKey),
      key: data.createApiKey.key,
    }),
    status: 201,
    doc: { scope: 'admin', body: ref('CreateApiKey'), response: ref('CreatedApiKey'), errors: ['VALIDATION_ERROR'] },
  },
  {
    method: 'delete',
    path: '/api/keys/:id',
    summary: 'Revoke an API key',
    operation: `mutation RestRevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${KEY_SELECTION} } }`,
    variables: (req) => ({ id: pathParam(req, 'id') }),
    present: (data: { revokeApiKey: GraphQLApiKey }) => presentApiKey(data.revokeApiKey),
    doc: { scope: 'admin', params: [PARAMS.id('API key')], response: ref('ApiKey'), errors: ['VALIDATION_ERROR', 'NOT_FOUND'] },
  },
];
