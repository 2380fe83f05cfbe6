import {
  RestIntegrityCheckpointsDocument,
  RestInteractionProofDocument,
  RestLastIntegrityVerifyDocument,
  RestLatestIntegrityCheckpointDocument,
  RestVerifyIntegrityDocument,
} from '../generated/graphql';
import { operationRoute, type RestRoute } from '../rest/route';
import { MAX_INT, PARAMS, ref } from '../rest/schema';
import { MAX_CHECKPOINT_PAGE } from './checkpoint';

/** REST routes of tamper evidence (docs/integrity.md). */
export const integrityRoutes: RestRoute[] = [
  operationRoute({
    method: 'get',
    path: '/api/integrity/checkpoints/latest',
    summary: 'The latest signed checkpoint (404 before the first)',
    scope: 'read',
    errors: ['NOT_FOUND'],
    operation: RestLatestIntegrityCheckpointDocument,
    variables: () => ({}),
    present: (data) => data.latestIntegrityCheckpoint,
    response: ref('IntegrityCheckpoint'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/integrity/checkpoints',
    summary: 'Signed checkpoints, newest first, with the public key id',
    scope: 'read',
    params: [
      PARAMS.query('limit', `Page size (default 50, at most ${MAX_CHECKPOINT_PAGE}).`, {
        type: 'integer',
        minimum: 1,
        maximum: MAX_CHECKPOINT_PAGE,
      }),
      PARAMS.query('before', 'Only checkpoints numbered below it: the `nextBefore` of the previous page.', {
        type: 'integer',
        minimum: 1,
        maximum: MAX_INT,
      }),
    ],
    errors: ['VALIDATION_ERROR'],
    operation: RestIntegrityCheckpointsDocument,
    variables: ({ query }) => ({
      first: (query.limit as number | undefined) ?? 50,
      before: (query.before as number | undefined) ?? null,
    }),
    present: ({ integrityCheckpoints: { checkpoints, ...rest } }) => ({ data: checkpoints, ...rest }),
    response: ref('IntegrityCheckpointPage'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/interactions/:id/proof',
    summary: 'Inclusion proof of an interaction in its checkpoint (404 until it is sealed)',
    scope: 'read',
    params: [PARAMS.id('interaction')],
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    operation: RestInteractionProofDocument,
    variables: ({ path }) => ({ id: path.id }),
    present: (data) => data.interactionProof,
    response: ref('InteractionProof'),
  }),
  operationRoute({
    method: 'post',
    path: '/api/integrity/verify',
    summary: 'Re-hash the sealed log (or checkpoints from–to) and report the first mismatch and every other',
    scope: 'admin',
    body: ref('VerifyIntegrity'),
    errors: ['VALIDATION_ERROR', 'CONFLICT'],
    operation: RestVerifyIntegrityDocument,
    variables: ({ body }) => ({ input: (body ?? {}) as { from?: number; to?: number } }),
    present: (data) => data.verifyIntegrity,
    response: ref('IntegrityVerifyReport'),
  }),
  operationRoute({
    method: 'get',
    path: '/api/integrity/verify/last',
    summary: 'The result of the last verification, whichever instance ran it (every field null before the first)',
    scope: 'read',
    operation: RestLastIntegrityVerifyDocument,
    variables: () => ({}),
    present: (data) => data.lastIntegrityVerify,
    response: ref('IntegrityLastVerify'),
  }),
];
