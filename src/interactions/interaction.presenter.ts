/** Lookup fields the REST shapes join into each interaction. */
export const REST_LOOKUP_FIELDS = 'mnemonic icon fontColorHex bgColorHex';

/** The GraphQL selection behind the documented REST list item; other domains (traces) reuse it. */
export const REST_INTERACTION_FRAGMENT = `
fragment RestInteraction on Interaction {
  id interactionNumber resourceId resourceTypeId actionId originId
  resourceType { ${REST_LOOKUP_FIELDS} }
  action { ${REST_LOOKUP_FIELDS} }
  origin { ${REST_LOOKUP_FIELDS} }
  interaction externalReference externalResponse uowId userId createdDate interactionTimestamp
}`;

/**
 * The selection behind the documented create response: no lookups and no externalResponse, which the response
 * does not show. Resolving three lookup objects per row was most of the GraphQL work of a 1,000-item batch.
 */
export const REST_CREATED_FRAGMENT = `
fragment RestCreatedInteraction on Interaction {
  id interactionNumber resourceId resourceTypeId actionId originId
  interaction externalReference uowId userId createdDate interactionTimestamp
}`;

interface LookupBadge {
  mnemonic: string;
  icon: string | null;
  fontColorHex: string | null;
  bgColorHex: string | null;
}

/** An interaction as the GraphQL selections above return it. */
export interface GraphQLInteraction {
  id: string;
  interactionNumber: number;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  resourceType: LookupBadge;
  action: LookupBadge;
  origin: LookupBadge;
  interaction: unknown;
  externalReference: string | null;
  externalResponse: unknown;
  uowId: string;
  userId: string | null;
  createdDate: string;
  interactionTimestamp: string | null;
}

/** An interaction as REST_CREATED_FRAGMENT selects it. */
export type GraphQLCreatedInteraction = Omit<GraphQLInteraction, 'resourceType' | 'action' | 'origin' | 'externalResponse'>;

/** The documented response of `POST /api/interactions`, field by field. */
export function presentCreatedInteraction(row: GraphQLCreatedInteraction) {
  return {
    interactionId: row.id,
    interactionNumber: row.interactionNumber,
    resourceId: row.resourceId,
    resourceTypeId: row.resourceTypeId,
    actionId: row.actionId,
    originId: row.originId,
    interaction: row.interaction ?? null,
    externalReference: row.externalReference,
    uowId: row.uowId,
    userId: row.userId,
    createdDate: row.createdDate,
    interactionTimestamp: row.interactionTimestamp,
  };
}

/** The documented list item: the stored fields plus each lookup's mnemonic, icon and colours. */
export function presentInteractionListItem(row: GraphQLInteraction) {
  return {
    interactionId: row.id,
    interactionNumber: row.interactionNumber,
    resourceId: row.resourceId,
    resourceTypeId: row.resourceTypeId,
    actionId: row.actionId,
    originId: row.originId,
    resourceTypeMnemonic: row.resourceType.mnemonic,
    resourceTypeIcon: row.resourceType.icon,
    resourceTypeFontColorHex: row.resourceType.fontColorHex,
    resourceTypeBgColorHex: row.resourceType.bgColorHex,
    actionMnemonic: row.action.mnemonic,
    actionIcon: row.action.icon,
    actionFontColorHex: row.action.fontColorHex,
    actionBgColorHex: row.action.bgColorHex,
    originMnemonic: row.origin.mnemonic,
    originIcon: row.origin.icon,
    originFontColorHex: row.origin.fontColorHex,
    originBgColorHex: row.origin.bgColorHex,
    interaction: row.interaction ?? null,
    externalReference: row.externalReference,
    externalResponse: row.externalResponse ?? null,
    uowId: row.uowId,
    userId: row.userId,
    createdDate: row.createdDate,
    interactionTimestamp: row.interactionTimestamp,
  };
}
