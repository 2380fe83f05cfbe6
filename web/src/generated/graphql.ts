/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Activity across resources: which users touched them in which units of work. */
export type ActivityInput = {
  /** Recorded on or before; a date-only value includes that whole UTC day. */
  endDate?: string | null | undefined;
  /** Groups per page, default 50; above 100 is taken as 100. */
  limit?: number | null | undefined;
  /** 1-based page of groups, default 1. */
  page?: number | null | undefined;
  /** 1 to 100 resources; interactions touching any of them match. */
  resources: Array<ActivityResourceInput>;
  /** Recorded on or after (ISO date or date-time). */
  startDate?: string | null | undefined;
};

/** A resource to look for. */
export type ActivityResourceInput = {
  /** The caller's identifier of the resource (1–512 characters). */
  resourceId: string;
  /** Resource type mnemonic; absent = the id under any type. */
  resourceType?: string | null | undefined;
};

/** Filters of the interaction list, combined with AND. */
export type InteractionFilterInput = {
  /** Action mnemonic; an unknown one matches nothing. */
  action?: string | null | undefined;
  /** Created on or before: ISO date-time, or ISO date meaning that whole UTC day. */
  endDate?: string | null | undefined;
  /** Exact external reference. */
  externalReference?: string | null | undefined;
  /** Exact interaction id (UUID). */
  interactionId?: string | null | undefined;
  /** Origin mnemonic; an unknown one matches nothing. */
  origin?: string | null | undefined;
  /** Exact resource id. */
  resourceId?: string | null | undefined;
  /** Resource type mnemonic; an unknown one matches nothing. */
  resourceType?: string | null | undefined;
  /** Created on or after: ISO date or date-time. */
  startDate?: string | null | undefined;
  /** Unit of work (UUID). */
  uowId?: string | null | undefined;
  /** Exact user id. */
  userId?: string | null | undefined;
};

/** Fields of a lookup; on update, omitted fields stay as they are and null clears. */
export type LookupInput = {
  /** Badge background colour, #rgb or #rrggbb. */
  bgColorHex?: string | null | undefined;
  /** Free text, at most 2000 characters. */
  description?: string | null | undefined;
  /** Badge text colour, #rgb or #rrggbb. */
  fontColorHex?: string | null | undefined;
  /** Emoji or short text, at most 32 characters. */
  icon?: string | null | undefined;
  /** Upper-cased on input; ^[A-Z][A-Z0-9_]{0,63}$. Required on create. */
  mnemonic?: string | null | undefined;
  /** Display name; defaults to the mnemonic. */
  name?: string | null | undefined;
};

/** Filters of the timeline: the filters of the interaction list, combined with AND; the range is the timeline's own. */
export type TimelineFilterInput = {
  /** Action mnemonic; an unknown one matches nothing. */
  action?: string | null | undefined;
  /** Exact external reference. */
  externalReference?: string | null | undefined;
  /** Exact interaction id (UUID). */
  interactionId?: string | null | undefined;
  /** Origin mnemonic; an unknown one matches nothing. */
  origin?: string | null | undefined;
  /** Exact resource id. */
  resourceId?: string | null | undefined;
  /** Resource type mnemonic; an unknown one matches nothing. */
  resourceType?: string | null | undefined;
  /** Unit of work (UUID). */
  uowId?: string | null | undefined;
  /** Exact user id. */
  userId?: string | null | undefined;
};

export type BadgeLookupFragment = { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null };

export type ActionBadgeFragment = { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null };

export type OriginBadgeFragment = { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null };

export type InteractionRowFragment = { id: string, interactionNumber: number, resourceId: string, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, externalReference: string | null, resourceType: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, action: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, origin: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null } };

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { keyId: string, name: string, scopes: Array<string> } };

export type ConsoleInteractionsQueryVariables = Exact<{
  filter?: InteractionFilterInput | null | undefined;
  page?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type ConsoleInteractionsQuery = { interactions: { items: Array<{ id: string, interactionNumber: number, resourceId: string, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, externalReference: string | null, resourceType: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, action: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, origin: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null } }>, pagination: { page: number, limit: number, total: number, totalPages: number, hasNext: boolean, hasPrev: boolean } } };

export type ConsoleInteractionDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleInteractionDetailQuery = { interaction: { id: string, interaction: unknown, externalResponse: unknown } };

export type ConsoleLookupsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleLookupsQuery = { resourceTypes: Array<{ description: string | null, isSystem: boolean, id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }>, actions: Array<{ description: string | null, isSystem: boolean, id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }>, origins: Array<{ description: string | null, isSystem: boolean, id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }> };

export type ConsoleCheckpointFragment = { seq: number, after: string, through: string, rowCount: number, merkleRoot: string, previousHash: string, keyId: string, sealedAt: string, checkpointHash: string, signature: string };

export type ConsoleInteractionProofsQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ConsoleInteractionProofsQuery = { integrityCheckpoints: { keyId: string | null, publicKey: string | null }, interactionProofs: { unsealed: Array<string>, orphaned: Array<string>, proofs: Array<{ interactionId: string, leafIndex: number, treeSize: number, leafHash: string, path: Array<string>, canonical: string | null, matches: boolean, checkpoint: { seq: number } }>, checkpoints: Array<{ seq: number, after: string, through: string, rowCount: number, merkleRoot: string, previousHash: string, keyId: string, sealedAt: string, checkpointHash: string, signature: string }> } };

export type ConsoleIntegrityQueryVariables = Exact<{
  first: number;
  before?: number | null | undefined;
}>;


export type ConsoleIntegrityQuery = { newest: { checkpoints: Array<{ seq: number }> }, integrityCheckpoints: { nextBefore: number | null, keyId: string | null, publicKey: string | null, checkpoints: Array<{ seq: number, after: string, through: string, rowCount: number, merkleRoot: string, previousHash: string, keyId: string, sealedAt: string, checkpointHash: string, signature: string }> }, lastIntegrityVerify: { verifiedAt: string | null, durationMs: number | null, verifiedBy: string | null, report: { ok: boolean, checkpoints: number, rows: number, archivedRows: number, fromCheckpoint: number | null, throughCheckpoint: number | null, problems: Array<{ kind: string, checkpoint: number, interactionId: string | null, interactionNumber: number | null, fields: Array<string>, message: string }> } | null } };

export type ConsoleVerifyIntegrityMutationVariables = Exact<{ [key: string]: never; }>;


export type ConsoleVerifyIntegrityMutation = { verifyIntegrity: { ok: boolean } };

export type ConsoleCreateResourceTypeMutationVariables = Exact<{
  input: LookupInput;
}>;


export type ConsoleCreateResourceTypeMutation = { createResourceType: { id: string, mnemonic: string } };

export type ConsoleCreateActionMutationVariables = Exact<{
  input: LookupInput;
}>;


export type ConsoleCreateActionMutation = { createAction: { id: string, mnemonic: string } };

export type ConsoleCreateOriginMutationVariables = Exact<{
  input: LookupInput;
}>;


export type ConsoleCreateOriginMutation = { createOrigin: { id: string, mnemonic: string } };

export type ConsoleUpdateResourceTypeMutationVariables = Exact<{
  id: string | number;
  input: LookupInput;
}>;


export type ConsoleUpdateResourceTypeMutation = { updateResourceType: { id: string, mnemonic: string } };

export type ConsoleUpdateActionMutationVariables = Exact<{
  id: string | number;
  input: LookupInput;
}>;


export type ConsoleUpdateActionMutation = { updateAction: { id: string, mnemonic: string } };

export type ConsoleUpdateOriginMutationVariables = Exact<{
  id: string | number;
  input: LookupInput;
}>;


export type ConsoleUpdateOriginMutation = { updateOrigin: { id: string, mnemonic: string } };

export type ConsoleTimelineQueryVariables = Exact<{
  days?: number | null | undefined;
  startDate?: string | null | undefined;
  endDate?: string | null | undefined;
  filter?: TimelineFilterInput | null | undefined;
}>;


export type ConsoleTimelineQuery = { timeline: { granularity: string, startDate: string, endDate: string, data: Array<{ bucket: string, count: number }> } };

export type ConsoleTraceQueryVariables = Exact<{
  uowId: string | number;
}>;


export type ConsoleTraceQuery = { trace: { uowId: string, summary: { totalInteractions: number, startTime: string, endTime: string, durationMs: number, uniqueActions: Array<string>, resourceTypes: Array<string>, origins: Array<string>, resourceCount: number, userIds: Array<string> }, timeline: Array<{ interactionId: string, interactionNumber: number, timestamp: string, offsetMs: number, resourceId: string, resourceType: string, action: string, origin: string, userId: string | null }>, interactions: { items: Array<{ id: string, interactionNumber: number, resourceId: string, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, externalReference: string | null, resourceType: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, action: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, origin: { id: string, mnemonic: string, name: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null } }>, pagination: { total: number } } } };

export type ConsoleActivityQueryVariables = Exact<{
  input: ActivityInput;
}>;


export type ConsoleActivityQuery = { activity: { items: Array<{ userId: string | null, uowId: string, interactionCount: number, firstInteractionAt: string, lastInteractionAt: string, lastInteractionTimestamp: string | null, actions: Array<string>, resources: Array<{ resourceId: string, resourceType: string }> }>, pagination: { page: number, limit: number, total: number, totalPages: number, hasNext: boolean, hasPrev: boolean } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BadgeLookupFragmentDoc = new TypedDocumentString(`
    fragment BadgeLookup on ResourceType {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
    `, {"fragmentName":"BadgeLookup"}) as unknown as TypedDocumentString<BadgeLookupFragment, unknown>;
export const ActionBadgeFragmentDoc = new TypedDocumentString(`
    fragment ActionBadge on Action {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
    `, {"fragmentName":"ActionBadge"}) as unknown as TypedDocumentString<ActionBadgeFragment, unknown>;
export const OriginBadgeFragmentDoc = new TypedDocumentString(`
    fragment OriginBadge on Origin {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
    `, {"fragmentName":"OriginBadge"}) as unknown as TypedDocumentString<OriginBadgeFragment, unknown>;
export const InteractionRowFragmentDoc = new TypedDocumentString(`
    fragment InteractionRow on Interaction {
  id
  interactionNumber
  resourceId
  uowId
  userId
  createdDate
  interactionTimestamp
  externalReference
  resourceType {
    ...BadgeLookup
  }
  action {
    ...ActionBadge
  }
  origin {
    ...OriginBadge
  }
}
    fragment BadgeLookup on ResourceType {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment ActionBadge on Action {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment OriginBadge on Origin {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}`, {"fragmentName":"InteractionRow"}) as unknown as TypedDocumentString<InteractionRowFragment, unknown>;
export const ConsoleCheckpointFragmentDoc = new TypedDocumentString(`
    fragment ConsoleCheckpoint on IntegrityCheckpoint {
  seq
  after
  through
  rowCount
  merkleRoot
  previousHash
  keyId
  sealedAt
  checkpointHash
  signature
}
    `, {"fragmentName":"ConsoleCheckpoint"}) as unknown as TypedDocumentString<ConsoleCheckpointFragment, unknown>;
export const ConsoleMeDocument = new TypedDocumentString(`
    query ConsoleMe {
  me {
    keyId
    name
    scopes
  }
}
    `) as unknown as TypedDocumentString<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleInteractionsDocument = new TypedDocumentString(`
    query ConsoleInteractions($filter: InteractionFilterInput, $page: Int, $limit: Int) {
  interactions(filter: $filter, page: $page, limit: $limit) {
    items {
      ...InteractionRow
    }
    pagination {
      page
      limit
      total
      totalPages
      hasNext
      hasPrev
    }
  }
}
    fragment BadgeLookup on ResourceType {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment ActionBadge on Action {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment OriginBadge on Origin {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment InteractionRow on Interaction {
  id
  interactionNumber
  resourceId
  uowId
  userId
  createdDate
  interactionTimestamp
  externalReference
  resourceType {
    ...BadgeLookup
  }
  action {
    ...ActionBadge
  }
  origin {
    ...OriginBadge
  }
}`) as unknown as TypedDocumentString<ConsoleInteractionsQuery, ConsoleInteractionsQueryVariables>;
export const ConsoleInteractionDetailDocument = new TypedDocumentString(`
    query ConsoleInteractionDetail($id: ID!) {
  interaction(id: $id) {
    id
    interaction
    externalResponse
  }
}
    `) as unknown as TypedDocumentString<ConsoleInteractionDetailQuery, ConsoleInteractionDetailQueryVariables>;
export const ConsoleLookupsDocument = new TypedDocumentString(`
    query ConsoleLookups {
  resourceTypes {
    ...BadgeLookup
    description
    isSystem
  }
  actions {
    ...ActionBadge
    description
    isSystem
  }
  origins {
    ...OriginBadge
    description
    isSystem
  }
}
    fragment BadgeLookup on ResourceType {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment ActionBadge on Action {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment OriginBadge on Origin {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}`) as unknown as TypedDocumentString<ConsoleLookupsQuery, ConsoleLookupsQueryVariables>;
export const ConsoleInteractionProofsDocument = new TypedDocumentString(`
    query ConsoleInteractionProofs($ids: [ID!]!) {
  integrityCheckpoints(first: 1) {
    keyId
    publicKey
  }
  interactionProofs(ids: $ids) {
    proofs {
      interactionId
      leafIndex
      treeSize
      leafHash
      path
      canonical
      matches
      checkpoint {
        seq
      }
    }
    unsealed
    orphaned
    checkpoints {
      ...ConsoleCheckpoint
    }
  }
}
    fragment ConsoleCheckpoint on IntegrityCheckpoint {
  seq
  after
  through
  rowCount
  merkleRoot
  previousHash
  keyId
  sealedAt
  checkpointHash
  signature
}`) as unknown as TypedDocumentString<ConsoleInteractionProofsQuery, ConsoleInteractionProofsQueryVariables>;
export const ConsoleIntegrityDocument = new TypedDocumentString(`
    query ConsoleIntegrity($first: Int!, $before: Int) {
  newest: integrityCheckpoints(first: 1) {
    checkpoints {
      seq
    }
  }
  integrityCheckpoints(first: $first, before: $before) {
    checkpoints {
      ...ConsoleCheckpoint
    }
    nextBefore
    keyId
    publicKey
  }
  lastIntegrityVerify {
    verifiedAt
    durationMs
    verifiedBy
    report {
      ok
      checkpoints
      rows
      archivedRows
      fromCheckpoint
      throughCheckpoint
      problems {
        kind
        checkpoint
        interactionId
        interactionNumber
        fields
        message
      }
    }
  }
}
    fragment ConsoleCheckpoint on IntegrityCheckpoint {
  seq
  after
  through
  rowCount
  merkleRoot
  previousHash
  keyId
  sealedAt
  checkpointHash
  signature
}`) as unknown as TypedDocumentString<ConsoleIntegrityQuery, ConsoleIntegrityQueryVariables>;
export const ConsoleVerifyIntegrityDocument = new TypedDocumentString(`
    mutation ConsoleVerifyIntegrity {
  verifyIntegrity {
    ok
  }
}
    `) as unknown as TypedDocumentString<ConsoleVerifyIntegrityMutation, ConsoleVerifyIntegrityMutationVariables>;
export const ConsoleCreateResourceTypeDocument = new TypedDocumentString(`
    mutation ConsoleCreateResourceType($input: LookupInput!) {
  createResourceType(input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateResourceTypeMutation, ConsoleCreateResourceTypeMutationVariables>;
export const ConsoleCreateActionDocument = new TypedDocumentString(`
    mutation ConsoleCreateAction($input: LookupInput!) {
  createAction(input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateActionMutation, ConsoleCreateActionMutationVariables>;
export const ConsoleCreateOriginDocument = new TypedDocumentString(`
    mutation ConsoleCreateOrigin($input: LookupInput!) {
  createOrigin(input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateOriginMutation, ConsoleCreateOriginMutationVariables>;
export const ConsoleUpdateResourceTypeDocument = new TypedDocumentString(`
    mutation ConsoleUpdateResourceType($id: ID!, $input: LookupInput!) {
  updateResourceType(id: $id, input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateResourceTypeMutation, ConsoleUpdateResourceTypeMutationVariables>;
export const ConsoleUpdateActionDocument = new TypedDocumentString(`
    mutation ConsoleUpdateAction($id: ID!, $input: LookupInput!) {
  updateAction(id: $id, input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateActionMutation, ConsoleUpdateActionMutationVariables>;
export const ConsoleUpdateOriginDocument = new TypedDocumentString(`
    mutation ConsoleUpdateOrigin($id: ID!, $input: LookupInput!) {
  updateOrigin(id: $id, input: $input) {
    id
    mnemonic
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateOriginMutation, ConsoleUpdateOriginMutationVariables>;
export const ConsoleTimelineDocument = new TypedDocumentString(`
    query ConsoleTimeline($days: Int, $startDate: String, $endDate: String, $filter: TimelineFilterInput) {
  timeline(days: $days, startDate: $startDate, endDate: $endDate, filter: $filter) {
    granularity
    startDate
    endDate
    data {
      bucket
      count
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleTimelineQuery, ConsoleTimelineQueryVariables>;
export const ConsoleTraceDocument = new TypedDocumentString(`
    query ConsoleTrace($uowId: ID!) {
  trace(uowId: $uowId) {
    uowId
    summary {
      totalInteractions
      startTime
      endTime
      durationMs
      uniqueActions
      resourceTypes
      origins
      resourceCount
      userIds
    }
    timeline {
      interactionId
      interactionNumber
      timestamp
      offsetMs
      resourceId
      resourceType
      action
      origin
      userId
    }
    interactions(limit: 100) {
      items {
        ...InteractionRow
      }
      pagination {
        total
      }
    }
  }
}
    fragment BadgeLookup on ResourceType {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment ActionBadge on Action {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment OriginBadge on Origin {
  id
  mnemonic
  name
  icon
  fontColorHex
  bgColorHex
}
fragment InteractionRow on Interaction {
  id
  interactionNumber
  resourceId
  uowId
  userId
  createdDate
  interactionTimestamp
  externalReference
  resourceType {
    ...BadgeLookup
  }
  action {
    ...ActionBadge
  }
  origin {
    ...OriginBadge
  }
}`) as unknown as TypedDocumentString<ConsoleTraceQuery, ConsoleTraceQueryVariables>;
export const ConsoleActivityDocument = new TypedDocumentString(`
    query ConsoleActivity($input: ActivityInput!) {
  activity(input: $input) {
    items {
      userId
      uowId
      interactionCount
      firstInteractionAt
      lastInteractionAt
      lastInteractionTimestamp
      resources {
        resourceId
        resourceType
      }
      actions
    }
    pagination {
      page
      limit
      total
      totalPages
      hasNext
      hasPrev
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleActivityQuery, ConsoleActivityQueryVariables>;