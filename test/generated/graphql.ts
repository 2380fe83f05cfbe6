/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** The `SafeInt` scalar type represents non-fractional signed whole numeric values that are considered safe as defined by the ECMAScript specification. */
  SafeInt: { input: number; output: number; }
};

/** What happened to the resource (CREATE, UPDATE, …). */
export type Action = {
  __typename?: 'Action';
  /** Badge background colour, #rgb or #rrggbb. */
  bgColorHex?: Maybe<Scalars['String']['output']>;
  createdDate: Scalars['DateTimeISO']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Badge text colour, #rgb or #rrggbb. */
  fontColorHex?: Maybe<Scalars['String']['output']>;
  /** Emoji or short text shown in badges. */
  icon?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** System lookups ship with the service and cannot be deleted or renamed. */
  isSystem: Scalars['Boolean']['output'];
  /** Upper-case identifier used by clients, e.g. ORDER. */
  mnemonic: Scalars['String']['output'];
  name: Scalars['String']['output'];
  updatedDate: Scalars['DateTimeISO']['output'];
};

/** An API key as listed; the key itself is never shown again after creation. */
export type ApiKey = {
  __typename?: 'ApiKey';
  createdDate: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  lastUsedDate?: Maybe<Scalars['DateTimeISO']['output']>;
  name: Scalars['String']['output'];
  /** First characters of the key, to recognise it. */
  prefix: Scalars['String']['output'];
  revokedDate?: Maybe<Scalars['DateTimeISO']['output']>;
  /** read, write and/or admin (admin grants all). */
  scopes: Array<Scalars['String']['output']>;
};

export type CreateApiKeyInput = {
  /** Who or what uses the key, 1–200 characters. */
  name: Scalars['String']['input'];
  /** read, write and/or admin. */
  scopes: Array<Scalars['String']['input']>;
};

/** An interaction to record. Name each lookup by mnemonic, by id, or both (they must agree). */
export type CreateInteractionInput = {
  /** Action mnemonic. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Action UUID. */
  actionId?: InputMaybe<Scalars['String']['input']>;
  /** External system reference, at most 512 characters. */
  externalReference?: InputMaybe<Scalars['String']['input']>;
  /** External system response data. */
  externalResponse?: InputMaybe<Scalars['JSON']['input']>;
  /** Free JSON metadata of any shape. */
  interaction?: InputMaybe<Scalars['JSON']['input']>;
  /** When it happened (REST: x-interaction-timestamp): ISO-8601 date-time or epoch milliseconds. */
  interactionTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** Origin mnemonic. */
  origin?: InputMaybe<Scalars['String']['input']>;
  /** Origin UUID. */
  originId?: InputMaybe<Scalars['String']['input']>;
  /** Your resource's identifier, 1–512 characters. */
  resourceId: Scalars['String']['input'];
  /** Resource type mnemonic. */
  resourceType?: InputMaybe<Scalars['String']['input']>;
  /** Resource type UUID. */
  resourceTypeId?: InputMaybe<Scalars['String']['input']>;
  /** Unit of work UUID (REST: x-uowid); generated when absent. */
  uowId?: InputMaybe<Scalars['String']['input']>;
  /** Acting user (REST: x-userid), at most 256 characters. */
  userId?: InputMaybe<Scalars['String']['input']>;
};

/** A new key with its value, shown this once. */
export type CreatedApiKey = {
  __typename?: 'CreatedApiKey';
  apiKey: ApiKey;
  /** The key to send as x-api-key. Store it now: only its hash is kept. */
  key: Scalars['String']['output'];
};

/** One recorded event: what happened to which resource, from where, by whom, in which unit of work. */
export type Interaction = {
  __typename?: 'Interaction';
  action: Action;
  actionId: Scalars['ID']['output'];
  /** When the service recorded it (filters and ordering use this). */
  createdDate: Scalars['DateTimeISO']['output'];
  /** Reference in an external system (e.g. a payment id). */
  externalReference?: Maybe<Scalars['String']['output']>;
  /** The external system's response. */
  externalResponse?: Maybe<Scalars['JSON']['output']>;
  /** UUID v7 (time-ordered). */
  id: Scalars['ID']['output'];
  /** Free JSON context of the interaction. */
  interaction?: Maybe<Scalars['JSON']['output']>;
  /** Increasing sequence number; useful for ordering and gap detection. */
  interactionNumber: Scalars['SafeInt']['output'];
  /** When it happened, if the caller said so. */
  interactionTimestamp?: Maybe<Scalars['DateTimeISO']['output']>;
  origin: Origin;
  originId: Scalars['ID']['output'];
  /** The caller's identifier of the resource. */
  resourceId: Scalars['String']['output'];
  resourceType: ResourceType;
  resourceTypeId: Scalars['ID']['output'];
  /** Unit of work: all interactions of one request chain or job share it. */
  uowId: Scalars['ID']['output'];
  userId?: Maybe<Scalars['String']['output']>;
};

/** Filters of the interaction list, combined with AND. */
export type InteractionFilterInput = {
  /** Action mnemonic. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Created on or before; a date-only value includes that whole UTC day. */
  endDate?: InputMaybe<Scalars['String']['input']>;
  /** Exact external reference. */
  externalReference?: InputMaybe<Scalars['String']['input']>;
  /** Interaction id (UUID). */
  interactionId?: InputMaybe<Scalars['String']['input']>;
  /** Origin mnemonic. */
  origin?: InputMaybe<Scalars['String']['input']>;
  /** Exact resource id. */
  resourceId?: InputMaybe<Scalars['String']['input']>;
  /** Resource type mnemonic. */
  resourceType?: InputMaybe<Scalars['String']['input']>;
  /** Created on or after: ISO date or date-time. */
  startDate?: InputMaybe<Scalars['String']['input']>;
  /** Unit of work id (UUID). */
  uowId?: InputMaybe<Scalars['String']['input']>;
  /** Exact user id. */
  userId?: InputMaybe<Scalars['String']['input']>;
};

/** A page of interactions, newest first. */
export type InteractionPage = {
  __typename?: 'InteractionPage';
  items: Array<Interaction>;
  pagination: Pagination;
};

/** Fields of a lookup; on update, omitted fields stay as they are and null clears. */
export type LookupInput = {
  /** Badge background colour, #rgb or #rrggbb. */
  bgColorHex?: InputMaybe<Scalars['String']['input']>;
  /** Free text, at most 2000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Badge text colour, #rgb or #rrggbb. */
  fontColorHex?: InputMaybe<Scalars['String']['input']>;
  /** Emoji or short text, at most 32 characters. */
  icon?: InputMaybe<Scalars['String']['input']>;
  /** Upper-cased on input; ^[A-Z][A-Z0-9_]{0,63}$. Required on create. */
  mnemonic?: InputMaybe<Scalars['String']['input']>;
  /** Display name; defaults to the mnemonic. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** The caller, as known from its API key. */
export type Me = {
  __typename?: 'Me';
  keyId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  scopes: Array<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Creates a action (CONFLICT on a taken mnemonic). */
  createAction: Action;
  /** Creates an API key and returns its value once. */
  createApiKey: CreatedApiKey;
  /** Records one interaction. */
  createInteraction: Interaction;
  /** Creates a origin (CONFLICT on a taken mnemonic). */
  createOrigin: Origin;
  /** Creates a resourceType (CONFLICT on a taken mnemonic). */
  createResourceType: ResourceType;
  /** Deletes a action (CONFLICT when in use). */
  deleteAction: Action;
  /** Deletes a origin (CONFLICT when in use). */
  deleteOrigin: Origin;
  /** Deletes a resourceType (CONFLICT when in use). */
  deleteResourceType: ResourceType;
  /** Refreshes the timeline view now (concurrently: readers are not blocked). */
  refreshTimeline: TimelineRefresh;
  /** Revokes an API key at once. */
  revokeApiKey: ApiKey;
  /** Changes the given fields of a action. */
  updateAction: Action;
  /** Changes the given fields of a origin. */
  updateOrigin: Origin;
  /** Changes the given fields of a resourceType. */
  updateResourceType: ResourceType;
};


export type MutationCreateActionArgs = {
  input: LookupInput;
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreateInteractionArgs = {
  input: CreateInteractionInput;
};


export type MutationCreateOriginArgs = {
  input: LookupInput;
};


export type MutationCreateResourceTypeArgs = {
  input: LookupInput;
};


export type MutationDeleteActionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteOriginArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteResourceTypeArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUpdateActionArgs = {
  id: Scalars['ID']['input'];
  input: LookupInput;
};


export type MutationUpdateOriginArgs = {
  id: Scalars['ID']['input'];
  input: LookupInput;
};


export type MutationUpdateResourceTypeArgs = {
  id: Scalars['ID']['input'];
  input: LookupInput;
};

/** Where the interaction came from (WEBAPP, API, …). */
export type Origin = {
  __typename?: 'Origin';
  /** Badge background colour, #rgb or #rrggbb. */
  bgColorHex?: Maybe<Scalars['String']['output']>;
  createdDate: Scalars['DateTimeISO']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Badge text colour, #rgb or #rrggbb. */
  fontColorHex?: Maybe<Scalars['String']['output']>;
  /** Emoji or short text shown in badges. */
  icon?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** System lookups ship with the service and cannot be deleted or renamed. */
  isSystem: Scalars['Boolean']['output'];
  /** Upper-case identifier used by clients, e.g. ORDER. */
  mnemonic: Scalars['String']['output'];
  name: Scalars['String']['output'];
  updatedDate: Scalars['DateTimeISO']['output'];
};

/** Where a page sits in the whole result. */
export type Pagination = {
  __typename?: 'Pagination';
  hasNext: Scalars['Boolean']['output'];
  hasPrev: Scalars['Boolean']['output'];
  /** Page size in effect (after clamping to the maximum). */
  limit: Scalars['Int']['output'];
  /** 1-based page number. */
  page: Scalars['Int']['output'];
  /** Number of matching items in all pages (exact). */
  total: Scalars['Int']['output'];
  totalPages: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** One action by id (NOT_FOUND when absent). */
  action: Action;
  /** All actions, by mnemonic. */
  actions: Array<Action>;
  /** Every API key, newest first. */
  apiKeys: Array<ApiKey>;
  /** One interaction by id (NOT_FOUND when absent). */
  interaction: Interaction;
  /** Interactions matching the filter, newest first, one page at a time. */
  interactions: InteractionPage;
  /** The key making this request and its scopes. */
  me: Me;
  /** One origin by id (NOT_FOUND when absent). */
  origin: Origin;
  /** All origins, by mnemonic. */
  origins: Array<Origin>;
  /** One resourceType by id (NOT_FOUND when absent). */
  resourceType: ResourceType;
  /** All resourceTypes, by mnemonic. */
  resourceTypes: Array<ResourceType>;
  /** Interaction counts per bucket by creation time, exact up to now. Either days (whole UTC days ending today, default 90) or startDate + endDate. */
  timeline: Timeline;
};


export type QueryActionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryInteractionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryInteractionsArgs = {
  filter?: InputMaybe<InteractionFilterInput>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  page?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryOriginArgs = {
  id: Scalars['ID']['input'];
};


export type QueryResourceTypeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTimelineArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  endDate?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TimelineFilterInput>;
  granularity?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['String']['input']>;
};

/** The kind of resource an interaction is about (ORDER, PAYMENT, …). */
export type ResourceType = {
  __typename?: 'ResourceType';
  /** Badge background colour, #rgb or #rrggbb. */
  bgColorHex?: Maybe<Scalars['String']['output']>;
  createdDate: Scalars['DateTimeISO']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Badge text colour, #rgb or #rrggbb. */
  fontColorHex?: Maybe<Scalars['String']['output']>;
  /** Emoji or short text shown in badges. */
  icon?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** System lookups ship with the service and cannot be deleted or renamed. */
  isSystem: Scalars['Boolean']['output'];
  /** Upper-case identifier used by clients, e.g. ORDER. */
  mnemonic: Scalars['String']['output'];
  name: Scalars['String']['output'];
  updatedDate: Scalars['DateTimeISO']['output'];
};

/** Interaction counts over time, by creation time, every bucket present (zero-filled). */
export type Timeline = {
  __typename?: 'Timeline';
  /** One entry per bucket, oldest first. */
  data: Array<TimelineBucket>;
  /** End of the last bucket (exclusive). */
  endDate: Scalars['DateTimeISO']['output'];
  /** Bucket size: 15min, hour, 6hour or day. */
  granularity: Scalars['String']['output'];
  /** When the materialized view was last refreshed (counts are exact regardless); null before the first refresh. */
  refreshedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Start of the first bucket (inclusive). */
  startDate: Scalars['DateTimeISO']['output'];
};

/** Interactions created in one bucket. */
export type TimelineBucket = {
  __typename?: 'TimelineBucket';
  /** Start of the bucket (UTC-aligned). */
  bucket: Scalars['DateTimeISO']['output'];
  /** Interactions created in [bucket, bucket + granularity). */
  count: Scalars['Int']['output'];
};

/** Optional filters of the timeline, by mnemonic; an unknown mnemonic counts nothing. */
export type TimelineFilterInput = {
  /** Action mnemonic. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Origin mnemonic. */
  origin?: InputMaybe<Scalars['String']['input']>;
  /** Resource type mnemonic. */
  resourceType?: InputMaybe<Scalars['String']['input']>;
};

/** A completed refresh of the timeline view. */
export type TimelineRefresh = {
  __typename?: 'TimelineRefresh';
  /** How long it took, in milliseconds. */
  durationMs: Scalars['Int']['output'];
  /** When the refresh committed. */
  refreshedAt: Scalars['DateTimeISO']['output'];
};

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
  /** Action mnemonic. */
  action?: string | null | undefined;
  /** Created on or before; a date-only value includes that whole UTC day. */
  endDate?: string | null | undefined;
  /** Exact external reference. */
  externalReference?: string | null | undefined;
  /** Interaction id (UUID). */
  interactionId?: string | null | undefined;
  /** Origin mnemonic. */
  origin?: string | null | undefined;
  /** Exact resource id. */
  resourceId?: string | null | undefined;
  /** Resource type mnemonic. */
  resourceType?: string | null | undefined;
  /** Created on or after: ISO date or date-time. */
  startDate?: string | null | undefined;
  /** Unit of work id (UUID). */
  uowId?: string | null | undefined;
  /** Exact user id. */
  userId?: string | null | undefined;
};

export type ListInteractionsWithLookupsQueryVariables = Exact<{
  filter?: InteractionFilterInput | null | undefined;
  page?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type ListInteractionsWithLookupsQuery = { interactions: { items: Array<{ id: string, interactionNumber: number, resourceId: string, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null, interaction: unknown, externalReference: string | null, externalResponse: unknown, resourceType: { id: string, mnemonic: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, action: { id: string, mnemonic: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null }, origin: { id: string, mnemonic: string, icon: string | null, fontColorHex: string | null, bgColorHex: string | null } }>, pagination: { page: number, limit: number, total: number, totalPages: number, hasNext: boolean, hasPrev: boolean } } };

export type CreateInteractionMutationVariables = Exact<{
  input: CreateInteractionInput;
}>;


export type CreateInteractionMutation = { createInteraction: { id: string, interactionNumber: number, resourceId: string, resourceTypeId: string, actionId: string, originId: string, uowId: string, userId: string | null, createdDate: string, interactionTimestamp: string | null } };

export type GetInteractionQueryVariables = Exact<{
  id: string | number;
}>;


export type GetInteractionQuery = { interaction: { id: string, interactionNumber: number, resourceId: string } };


export const ListInteractionsWithLookupsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListInteractionsWithLookups"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"InteractionFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interactions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"interactionNumber"}},{"kind":"Field","name":{"kind":"Name","value":"resourceId"}},{"kind":"Field","name":{"kind":"Name","value":"uowId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"createdDate"}},{"kind":"Field","name":{"kind":"Name","value":"interactionTimestamp"}},{"kind":"Field","name":{"kind":"Name","value":"interaction"}},{"kind":"Field","name":{"kind":"Name","value":"externalReference"}},{"kind":"Field","name":{"kind":"Name","value":"externalResponse"}},{"kind":"Field","name":{"kind":"Name","value":"resourceType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"mnemonic"}},{"kind":"Field","name":{"kind":"Name","value":"icon"}},{"kind":"Field","name":{"kind":"Name","value":"fontColorHex"}},{"kind":"Field","name":{"kind":"Name","value":"bgColorHex"}}]}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"mnemonic"}},{"kind":"Field","name":{"kind":"Name","value":"icon"}},{"kind":"Field","name":{"kind":"Name","value":"fontColorHex"}},{"kind":"Field","name":{"kind":"Name","value":"bgColorHex"}}]}},{"kind":"Field","name":{"kind":"Name","value":"origin"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"mnemonic"}},{"kind":"Field","name":{"kind":"Name","value":"icon"}},{"kind":"Field","name":{"kind":"Name","value":"fontColorHex"}},{"kind":"Field","name":{"kind":"Name","value":"bgColorHex"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pagination"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"totalPages"}},{"kind":"Field","name":{"kind":"Name","value":"hasNext"}},{"kind":"Field","name":{"kind":"Name","value":"hasPrev"}}]}}]}}]}}]} as unknown as DocumentNode<ListInteractionsWithLookupsQuery, ListInteractionsWithLookupsQueryVariables>;
export const CreateInteractionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateInteraction"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateInteractionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createInteraction"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"interactionNumber"}},{"kind":"Field","name":{"kind":"Name","value":"resourceId"}},{"kind":"Field","name":{"kind":"Name","value":"resourceTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"actionId"}},{"kind":"Field","name":{"kind":"Name","value":"originId"}},{"kind":"Field","name":{"kind":"Name","value":"uowId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"createdDate"}},{"kind":"Field","name":{"kind":"Name","value":"interactionTimestamp"}}]}}]}}]} as unknown as DocumentNode<CreateInteractionMutation, CreateInteractionMutationVariables>;
export const GetInteractionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetInteraction"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interaction"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"interactionNumber"}},{"kind":"Field","name":{"kind":"Name","value":"resourceId"}}]}}]}}]} as unknown as DocumentNode<GetInteractionQuery, GetInteractionQueryVariables>;