/** Any JSON value as stored in a jsonb column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One stored interaction. */
export interface InteractionRecord {
  id: string;
  interactionNumber: number;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: JsonValue | null;
  externalReference: string | null;
  externalResponse: JsonValue | null;
  uowId: string;
  userId: string | null;
  createdDate: Date;
  interactionTimestamp: Date | null;
}

/** Column list matching InteractionRecord, for every query that returns interactions (any domain). */
export const INTERACTION_COLUMNS = `id, interaction_number AS "interactionNumber", resource_id AS "resourceId",
  resource_type_id AS "resourceTypeId", action_id AS "actionId", origin_id AS "originId", interaction,
  external_reference AS "externalReference", external_response AS "externalResponse", uow_id AS "uowId",
  user_id AS "userId", created_date AS "createdDate", interaction_timestamp AS "interactionTimestamp"`;

/** The list's order, newest first: every list index ends with these two columns. */
export const LIST_ORDER = 'created_date DESC, interaction_number DESC';

/** What a caller sends to record an interaction (REST body + headers, or the GraphQL input). */
export interface CreateInteractionInput {
  /** The caller's identifier of the resource (1–512 characters). */
  resourceId: string;
  resourceType?: string | null;
  resourceTypeId?: string | null;
  action?: string | null;
  actionId?: string | null;
  origin?: string | null;
  originId?: string | null;
  interaction?: JsonValue;
  externalReference?: string | null;
  externalResponse?: JsonValue;
  /** Unit of work; a new UUID when absent. */
  uowId?: string | null;
  userId?: string | null;
  /** When it happened, ISO-8601 or epoch ms; `null` when not given. */
  interactionTimestamp?: string | null;
}
