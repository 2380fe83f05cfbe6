import { RestCreateApiKeyDocument, RestListApiKeysDocument, RestRevokeApiKeyDocument } from '../generated/graphql';
import { PARAMS, ref } from '../rest/schema';
import { operationRoute, type RestRoute } from '../rest/route';

/** REST routes for managing API keys (admin scope). */
export const apiKeyRoutes: RestRoute[] = [
  operationRoute({
    method: 'get',
    path: '/api/keys',
    summary: 'List API keys',
    scope: 'admin',
    operation: RestListApiKeysDocument,
    variables: () => ({}),
    present: (data) => data,
    response: ref('ApiKeyList'),
  }),
  operationRoute({
    method: 'post',
    path: '/api/keys',
    summary: 'Create an API key; the response carries the key once',
    scope: 'admin',
    body: ref('CreateApiKey'),
    errors: ['VALIDATION_ERROR'],
    operation: RestCreateApiKeyDocument,
    variables: ({ body }) => {
      const { name, scopes } = body as { name: string; scopes: string[] | string };
      return { input: { name, scopes: typeof scopes === 'string' ? scopes.split(',') : scopes } };
    },
    // The key as listed, then the key itself (shown this once).
    present: ({ createApiKey }) => ({ ...createApiKey.apiKey, key: createApiKey.key }),
    status: 201,
    response: ref('CreatedApiKey'),
  }),
  operationRoute({
    method: 'delete',
    path: '/api/keys/:id',
    summary: 'Revoke an API key',
    scope: 'admin',
    params: [PARAMS.id('API key')],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestRevokeApiKeyDocument,
    variables: ({ path }) => ({ id: path.id }),
    present: (data) => data.revokeApiKey,
    response: ref('ApiKey'),
  }),
];
