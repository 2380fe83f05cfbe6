import type { RestInteractionFragment } from '../generated/graphql';

/**
 * The documented REST list item, field by field: the stored fields, then each lookup's mnemonic, icon and colours
 * flattened beside them (`resourceTypeMnemonic`, …), a shape GraphQL's nested lookups cannot alias into. The one
 * REST shape that differs from its GraphQL selection, so the one presenter; a new column cannot leak through it.
 */
export function presentInteractionListItem(row: RestInteractionFragment) {
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
