/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** An interaction to record. Name each lookup by mnemonic, by id, or both (they must agree). */
export type CreateInteractionInput = {
  /** Action mnemonic. */
  action?: string | null | undefined;
  /** Action UUID. */
  actionId?: string | null | undefined;
  /** External system reference, at most 512 characters. */
  externalReference?: string | null | undefined;
  /** External system response data. */
  externalResponse?: unknown;
  /** Free JSON metadata of any shape. */
  interaction?: unknown;
  /** When it happened (REST: x-interaction-timestamp): ISO-8601 date-time or epoch milliseconds. */
  interactionTimestamp?: string | null | undefined;
  /** Origin mnemonic. */
  origin?: string | null | undefined;
  /** Origin UUID. */
  originId?: string | null | undefined;
  /** Your resource's identifier, 1–512 characters. */
  resourceId: string;
  /** Resource type mnemonic. */
  resourceType?: string | null | undefined;
  /** Resource type UUID. */
  resourceTypeId?: string | null | undefined;
  /** Unit of work UUID (REST: x-uowid); generated when absent. */
  uowId?: string | null | undefined;
  /** Acting user (REST: x-userid), at most 256 characters. */
  userId?: string | null | undefined;
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

export type ClientInteractionFragment = { id: string, interactionNumber: number, resourceId: string, interaction: unknown, externalReference: string | null, externalResponse: unknown, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, resourceType: { id: string, mnemonic: string }, action: { id: string, mnemonic: string }, origin: { id: string, mnemonic: string } };

export type InteractionsQueryVariables = Exact<{
  filter?: InteractionFilterInput | null | undefined;
  page?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type InteractionsQuery = { interactions: { items: Array<{ id: string, interactionNumber: number, resourceId: string, interaction: unknown, externalReference: string | null, externalResponse: unknown, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, resourceType: { id: string, mnemonic: string }, action: { id: string, mnemonic: string }, origin: { id: string, mnemonic: string } }>, pagination: { page: number, limit: number, total: number, totalPages: number, hasNext: boolean, hasPrev: boolean } } };

export type InteractionQueryVariables = Exact<{
  id: string | number;
}>;


export type InteractionQuery = { interaction: { id: string, interactionNumber: number, resourceId: string, interaction: unknown, externalReference: string | null, externalResponse: unknown, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, resourceType: { id: string, mnemonic: string }, action: { id: string, mnemonic: string }, origin: { id: string, mnemonic: string } } };

export type CreateInteractionMutationVariables = Exact<{
  input: CreateInteractionInput;
  idempotencyKey?: string | null | undefined;
}>;


export type CreateInteractionMutation = { createInteraction: { id: string, interactionNumber: number, resourceId: string, interaction: unknown, externalReference: string | null, externalResponse: unknown, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, resourceType: { id: string, mnemonic: string }, action: { id: string, mnemonic: string }, origin: { id: string, mnemonic: string } } };

export type TraceSummaryQueryVariables = Exact<{
  uowId: string | number;
}>;


export type TraceSummaryQuery = { trace: { summary: { uowId: string, totalInteractions: number, startTime: string, endTime: string, durationMs: number, uniqueActions: Array<string>, resourceTypes: Array<string>, origins: Array<string>, resourceCount: number, userIds: Array<string> } } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { keyId: string, name: string, scopes: Array<string> } };

export type TimelineQueryVariables = Exact<{
  days?: number | null | undefined;
  startDate?: string | null | undefined;
  endDate?: string | null | undefined;
  granularity?: string | null | undefined;
  filter?: TimelineFilterInput | null | undefined;
}>;


export type TimelineQuery = { timeline: { granularity: string, startDate: string, endDate: string, refreshedAt: string | null, data: Array<{ bucket: string, count: number }> } };

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
export const ClientInteractionFragmentDoc = new TypedDocumentString(`
    fragment ClientInteraction on Interaction {
  id
  interactionNumber
  resourceId
  resourceType {
    id
    mnemonic
  }
  action {
    id
    mnemonic
  }
  origin {
    id
    mnemonic
  }
  interaction
  externalReference
  externalResponse
  uowId
  userId
  createdDate
  interactionTimestamp
}
    `, {"fragmentName":"ClientInteraction"}) as unknown as TypedDocumentString<ClientInteractionFragment, unknown>;
export const InteractionsDocument = new TypedDocumentString(`
    query Interactions($filter: InteractionFilterInput, $page: Int, $limit: Int) {
  interactions(filter: $filter, page: $page, limit: $limit) {
    items {
      ...ClientInteraction
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
    fragment ClientInteraction on Interaction {
  id
  interactionNumber
  resourceId
  resourceType {
    id
    mnemonic
  }
  action {
    id
    mnemonic
  }
  origin {
    id
    mnemonic
  }
  interaction
  externalReference
  externalResponse
  uowId
  userId
  createdDate
  interactionTimestamp
}`) as unknown as TypedDocumentString<InteractionsQuery, InteractionsQueryVariables>;
export const InteractionDocument = new TypedDocumentString(`
    query Interaction($id: ID!) {
  interaction(id: $id) {
    ...ClientInteraction
  }
}
    fragment ClientInteraction on Interaction {
  id
  interactionNumber
  resourceId
  resourceType {
    id
    mnemonic
  }
  action {
    id
    mnemonic
  }
  origin {
    id
    mnemonic
  }
  interaction
  externalReference
  externalResponse
  uowId
  userId
  createdDate
  interactionTimestamp
}`) as unknown as TypedDocumentString<InteractionQuery, InteractionQueryVariables>;
export const CreateInteractionDocument = new TypedDocumentString(`
    mutation CreateInteraction($input: CreateInteractionInput!, $idempotencyKey: String) {
  createInteraction(input: $input, idempotencyKey: $idempotencyKey) {
    ...ClientInteraction
  }
}
    fragment ClientInteraction on Interaction {
  id
  interactionNumber
  resourceId
  resourceType {
    id
    mnemonic
  }
  action {
    id
    mnemonic
  }
  origin {
    id
    mnemonic
  }
  interaction
  externalReference
  externalResponse
  uowId
  userId
  createdDate
  interactionTimestamp
}`) as unknown as TypedDocumentString<CreateInteractionMutation, CreateInteractionMutationVariables>;
export const TraceSummaryDocument = new TypedDocumentString(`
    query TraceSummary($uowId: ID!) {
  trace(uowId: $uowId) {
    summary {
      uowId
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
  }
}
    `) as unknown as TypedDocumentString<TraceSummaryQuery, TraceSummaryQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    keyId
    name
    scopes
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const TimelineDocument = new TypedDocumentString(`
    query Timeline($days: Int, $startDate: String, $endDate: String, $granularity: String, $filter: TimelineFilterInput) {
  timeline(
    days: $days
    startDate: $startDate
    endDate: $endDate
    granularity: $granularity
    filter: $filter
  ) {
    granularity
    startDate
    endDate
    refreshedAt
    data {
      bucket
      count
    }
  }
}
    `) as unknown as TypedDocumentString<TimelineQuery, TimelineQueryVariables>;