import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../src/db/database';

/** An interaction row to insert directly (for fixtures that need a chosen created_date). */
export interface InteractionRowFixture {
  resourceId: string;
  /** Mnemonics of existing lookups. */
  resourceType: string;
  action?: string;
  origin?: string;
  uowId: string;
  userId?: string | null;
  createdDate?: Date | string;
  interactionTimestamp?: Date | string | null;
  interaction?: unknown;
}

/** Inserts one interaction as the service would store it, with an explicit created_date; returns its id and number. */
export async function insertInteractionRow(db: Database, row: InteractionRowFixture): Promise<{ id: string; interactionNumber: number }> {
  const [inserted] = await db.sql.query<{ id: string; interactionNumber: number }>(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id,
       created_date, interaction_timestamp)
     VALUES ($1, $2, (SELECT id FROM resource_types WHERE mnemonic = $3), (SELECT id FROM actions WHERE mnemonic = $4),
       (SELECT id FROM origins WHERE mnemonic = $5), $6::jsonb, $7, $8, COALESCE($9::timestamptz, now()), $10)
     RETURNING id, interaction_number AS "interactionNumber"`,
    [
      uuidv7(),
      row.resourceId,
      row.resourceType,
      row.action ?? 'CREATE',
      row.origin ?? 'API',
      row.interaction === undefined ? null : JSON.stringify(row.interaction),
      row.uowId,
      row.userId ?? null,
      row.createdDate ?? null,
      row.interactionTimestamp ?? null,
    ],
  );
  return inserted;
}

/** Creates resource types by mnemonic (directly, no HTTP). */
export async function insertResourceTypes(db: Database, mnemonics: string[]): Promise<void> {
  for (const mnemonic of mnemonics) {
    await db.sql.query(`INSERT INTO resource_types (id, mnemonic, name) VALUES ($1, $2, $2) ON CONFLICT (mnemonic) DO NOTHING`, [
      uuidv7(),
      mnemonic,
    ]);
  }
}
