import {
  RestIntegrityCheckpointsDocument,
  RestInteractionProofDocument,
  RestLastIntegrityVerifyDocument,
  RestLatestIntegrityCheckpointDocument,
  RestVerifyIntegrityDocument,
} from '../generated/graphql';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/app-error';
import { operationRoute, streamRoute, type RestRoute } from '../rest/route';
import { MAX_INT, PARAMS, ref } from '../rest/schema';
import { sealBundleText } from './bundle';
import { MAX_CHECKPOINT_PAGE } from './checkpoint';

const checkpointNumber = (name: string, description: string) =>
  PARAMS.query(name, description, { type: 'integer', minimum: 1, maximum: MAX_INT });

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
  streamRoute({
    method: 'get',
    path: '/api/integrity/checkpoints/export',
    summary: 'Every checkpoint (or from–to), oldest first, each with its leaves: what the offline verifier reads',
    description:
      'NDJSON, one checkpoint a line: the members of a checkpoint and `leaves`, its sealed rows in tree order (id, ' +
      'number, created date, leaf hash, field hints). Beside an export in feed order (`GET /api/interactions/export' +
      '?order=feed`) or an archive, it lets `interactions-verify` check every row without the database ' +
      '(docs/integrity.md). Read a page of checkpoints at a time, with backpressure.',
    scope: 'read',
    params: [
      checkpointNumber('from', 'First checkpoint (default 1).'),
      checkpointNumber('to', 'Last checkpoint (default the latest).'),
    ],
    errors: ['VALIDATION_ERROR'],
    produces: { 'application/x-ndjson': ref('IntegrityBundleLine') },
    async handle(request, context, res) {
      await context.chargeRateLimit('read', 1);
      const from = request.query.from as number | undefined;
      const to = request.query.to as number | undefined;
      if (from !== undefined && to !== undefined && from > to) {
        throw new AppError('VALIDATION_ERROR', 'from must be 1 or more and to at least from', { field: 'from' });
      }
      res.status(200);
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="checkpoints.ndjson"');
      res.setHeader('cache-control', 'no-store');
      try {
        await pipeline(Readable.from(sealBundleText(context.db.sql, { from, to })), res);
      } catch (error) {
        // The client went away: nothing to answer, and nothing went wrong on this side.
        if (res.destroyed || res.req.destroyed) return;
        throw error;
      }
    },
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
