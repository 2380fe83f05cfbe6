import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A signed checkpoint: the RFC 6962 Merkle root of a closed range of the feed, chained to the previous checkpoint (docs/integrity.md).',
})
export class IntegrityCheckpoint {
  @Field(() => Int, { description: 'Its number, from 1, without gaps.' })
  seq!: number;

  @Field({ description: 'Feed cursor the range starts after ("0": the start of the log).' })
  after!: string;

  @Field({ description: "Feed cursor of the range's last row." })
  through!: string;

  @Field(() => Int, { description: 'Rows in the range: the leaves of its tree.' })
  rowCount!: number;

  @Field({ description: 'RFC 6962 tree hash of the rows in feed order, hex.' })
  merkleRoot!: string;

  @Field({ description: 'checkpointHash of the previous checkpoint (64 zeros for the first), hex.' })
  previousHash!: string;

  @Field({ description: 'SHA-256 of the signed body, hex.' })
  checkpointHash!: string;

  @Field({ description: 'Id of the Ed25519 key that signed it: SHA-256 of the raw public key, first 16 hex digits.' })
  keyId!: string;

  @Field({ description: 'Ed25519 signature of the canonical body, base64.' })
  signature!: string;

  @Field({ description: 'When it was sealed (part of the signed body, as an ISO string in milliseconds).' })
  sealedAt!: string;
}

@ObjectType({ description: 'A page of checkpoints, newest first.' })
export class IntegrityCheckpointPage {
  @Field(() => [IntegrityCheckpoint])
  checkpoints!: IntegrityCheckpoint[];

  @Field(() => Int, { nullable: true, description: 'Pass as `before` for the next (older) page; null at the end.' })
  nextBefore!: number | null;

  @Field(() => String, { nullable: true, description: 'Id of the key this service signs with (null: sealing is off).' })
  keyId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Its public key (PEM). A verifier must hold its own copy: one read from the service proves nothing.',
  })
  publicKey!: string | null;
}

@ObjectType({ description: 'An RFC 6962 inclusion proof of one interaction in its checkpoint.' })
export class InteractionProof {
  @Field(() => ID)
  interactionId!: string;

  @Field(() => IntegrityCheckpoint)
  checkpoint!: IntegrityCheckpoint;

  @Field(() => Int, { description: 'Its leaf in the checkpoint tree, from 0.' })
  leafIndex!: number;

  @Field(() => Int, { description: 'Leaves of the tree (the checkpoint rowCount).' })
  treeSize!: number;

  @Field({ description: 'The sealed leaf hash, hex: SHA-256(0x00 || canonical bytes).' })
  leafHash!: string;

  @Field(() => [String], { description: 'Audit path: sibling hashes from the leaf up, hex.' })
  path!: string[];

  @Field(() => String, { nullable: true, description: "The row's canonical JSON as stored now; null: it is gone." })
  canonical!: string | null;

  @Field({ description: 'Whether the row as stored now hashes to the sealed leaf.' })
  matches!: boolean;
}

@ObjectType({ description: 'One finding of a verification.' })
export class IntegrityProblem {
  @Field({
    description:
      'checkpoint-missing, checkpoint-altered, checkpoint-signature, checkpoint-chain, leaves-altered, row-altered, row-missing, row-inserted, rows-reordered or archive-unreadable.',
  })
  kind!: string;

  @Field(() => Int, { description: 'The checkpoint concerned.' })
  checkpoint!: number;

  @Field(() => String, { nullable: true })
  interactionId!: string | null;

  @Field(() => Float, { nullable: true })
  interactionNumber!: number | null;

  @Field(() => [String], { description: 'row-altered: the fields that changed, as the field hints tell.' })
  fields!: string[];

  @Field()
  message!: string;
}

@ObjectType({ description: 'What a verification of the sealed log found.' })
export class IntegrityVerifyReport {
  @Field({ description: 'True when nothing was found.' })
  ok!: boolean;

  @Field(() => Int)
  checkpoints!: number;

  @Field(() => Float, { description: 'Rows re-hashed from the database.' })
  rows!: number;

  @Field(() => Float, { description: 'Rows re-hashed from archive files (partitions dropped by retention).' })
  archivedRows!: number;

  @Field(() => Int, { nullable: true })
  fromCheckpoint!: number | null;

  @Field(() => Int, { nullable: true })
  throughCheckpoint!: number | null;

  @Field(() => [IntegrityProblem], { description: 'Every finding, the first first (at most 100).' })
  problems!: IntegrityProblem[];
}

@InputType({ description: 'Which checkpoints a verification covers (default: all).' })
export class VerifyIntegrityInput {
  @Field(() => Int, { nullable: true, description: 'First checkpoint (default 1).' })
  from?: number | null;

  @Field(() => Int, { nullable: true, description: 'Last checkpoint (default the latest).' })
  to?: number | null;
}

@ObjectType({
  description:
    'Inclusion proofs of several interactions (a page of the console), each checkpoint once: a client checks each proof itself (docs/integrity.md).',
})
export class InteractionProofSet {
  @Field(() => [InteractionProof], { description: 'One per sealed interaction asked, in the order asked.' })
  proofs!: InteractionProof[];

  @Field(() => [ID], { description: 'Interactions no checkpoint seals yet (unknown, or newer than the latest seal).' })
  unsealed!: string[];

  @Field(() => [ID], {
    description: 'Interactions sealed in a checkpoint that is no longer in the database (verify: checkpoint-missing).',
  })
  orphaned!: string[];

  @Field(() => [IntegrityCheckpoint], { description: 'The checkpoints of the proofs, each once, by seq.' })
  checkpoints!: IntegrityCheckpoint[];
}

@ObjectType({
  description:
    'The last verification of the sealed log, whichever instance and key ran it: every field is null before the first.',
})
export class IntegrityLastVerify {
  @Field(() => IntegrityVerifyReport, { nullable: true })
  report!: IntegrityVerifyReport | null;

  @Field(() => Date, { nullable: true, description: 'When it ended.' })
  verifiedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'How long it ran, in milliseconds.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Name of the API key that ran it.' })
  verifiedBy!: string | null;
}
