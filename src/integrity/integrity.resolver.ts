import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { RequireScope, Rows } from '../graphql/operation-plan';
import { parseUuid } from '../input/uuid';
import { MAX_CHECKPOINT_PAGE, readCheckpointPage, readLatestCheckpoint, type Checkpoint } from './checkpoint';
import {
  IntegrityCheckpoint,
  IntegrityCheckpointPage,
  IntegrityLastVerify,
  IntegrityVerifyReport,
  InteractionProof,
  InteractionProofSet,
  VerifyIntegrityInput,
} from './integrity.type';
import { getLastIntegrityVerify, runIntegrityVerify } from './last-verify';
import { MAX_PROOF_IDS, proveInteraction, proveInteractions } from './proof';
import type { VerifyReport } from './verify';

@Resolver()
export class IntegrityResolver {
  @RequireScope('read')
  @Query(() => IntegrityCheckpointPage, { description: 'Signed checkpoints, newest first (docs/integrity.md).' })
  async integrityCheckpoints(
    @Ctx() { db, integrityKey }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1–${MAX_CHECKPOINT_PAGE}.` }) first: number,
    @Arg('before', () => Int, { nullable: true, description: 'Only checkpoints below this seq (`nextBefore`).' })
    before: number | null,
  ): Promise<IntegrityCheckpointPage> {
    if (first < 1 || first > MAX_CHECKPOINT_PAGE) {
      throw new AppError('VALIDATION_ERROR', `first must be between 1 and ${MAX_CHECKPOINT_PAGE}`, { field: 'first' });
    }
    if (before !== null && before < 1) {
      throw new AppError('VALIDATION_ERROR', 'before must be a checkpoint number (1 or more)', { field: 'before' });
    }
    const checkpoints = await readCheckpointPage(db, first + 1, before);
    const page = checkpoints.slice(0, first);
    return {
      checkpoints: page,
      nextBefore: checkpoints.length > first ? page[page.length - 1].seq : null,
      keyId: integrityKey?.keyId ?? null,
      publicKey: integrityKey?.publicKeyPem ?? null,
    };
  }

  @RequireScope('read')
  @Query(() => IntegrityCheckpoint, { description: 'The latest checkpoint (NOT_FOUND before the first).' })
  async latestIntegrityCheckpoint(@Ctx() { db }: GraphQLContext): Promise<Checkpoint> {
    const latest = await readLatestCheckpoint(db.sql);
    if (!latest) throw new AppError('NOT_FOUND', 'No checkpoint has been sealed yet');
    return latest;
  }

  @RequireScope('read')
  @Query(() => InteractionProof, {
    description: 'Inclusion proof of an interaction in its checkpoint (NOT_FOUND until it is sealed).',
  })
  interactionProof(@Arg('id', () => ID) id: string, @Ctx() { db }: GraphQLContext) {
    return proveInteraction(db, parseUuid(id, 'id'));
  }

  @RequireScope('read')
  @Rows({ lengthOf: 'ids' })
  @Query(() => InteractionProofSet, {
    description: `Inclusion proofs of up to ${MAX_PROOF_IDS} interactions at once, each checkpoint once (a page of the console).`,
  })
  interactionProofs(
    @Arg('ids', () => [ID], { description: `Interaction ids, at most ${MAX_PROOF_IDS}.` }) ids: string[],
    @Ctx() { db }: GraphQLContext,
  ) {
    if (ids.length > MAX_PROOF_IDS) {
      throw new AppError('VALIDATION_ERROR', `ids holds at most ${MAX_PROOF_IDS} interactions`, { field: 'ids' });
    }
    return proveInteractions(
      db,
      ids.map((id) => parseUuid(id, 'ids')),
    );
  }

  @RequireScope('read')
  @Query(() => IntegrityLastVerify, {
    description:
      'The result of the last verification (verifyIntegrity) on any instance; its fields are null before the first.',
  })
  async lastIntegrityVerify(@Ctx() { db }: GraphQLContext): Promise<IntegrityLastVerify> {
    return (await getLastIntegrityVerify(db)) ?? { report: null, verifiedAt: null, durationMs: null, verifiedBy: null };
  }

  @RequireScope('admin')
  @Mutation(() => IntegrityVerifyReport, {
    description:
      'Re-hashes the sealed log (or a range of checkpoints) and reports what does not match, kept as the last result (lastIntegrityVerify): admin.',
  })
  async verifyIntegrity(
    @Ctx() { db, config, integrityKey, principal }: GraphQLContext,
    @Arg('input', () => VerifyIntegrityInput, { nullable: true }) input: VerifyIntegrityInput | null,
  ): Promise<VerifyReport> {
    if (!integrityKey) {
      throw new AppError(
        'CONFLICT',
        'Checkpoints are off on this instance (CHECKPOINT_SECONDS=0): nothing to verify with',
      );
    }
    const from = input?.from ?? 1;
    const to = input?.to ?? undefined;
    if (from < 1 || (to !== undefined && to < from)) {
      throw new AppError('VALIDATION_ERROR', 'from must be 1 or more and to at least from', { field: 'from' });
    }
    return runIntegrityVerify(db, {
      key: integrityKey,
      from,
      to,
      archiveDir: config.archiveDir,
      verifiedBy: principal?.name ?? null,
    });
  }
}
