import type { Database } from '../../src/db/database';
import { api, type TestApp } from './app';

/** Creates the ORDER resource type the interaction tests record against (actions and origins are system rows). */
export async function createOrderResourceType(t: TestApp): Promise<void> {
  const response = await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER', icon: '📦' });
  if (response.status !== 201 && response.status !== 409) throw new Error(`cannot create ORDER: ${response.status}`);
}

/** A valid single-create body for resource `resourceId`. */
export function orderBody(resourceId: string, overrides: Record<string, unknown> = {}) {
  return {
    resourceId,
    resourceType: 'ORDER',
    action: 'CREATE',
    origin: 'WEBAPP',
    interaction: { total: 1 },
    ...overrides,
  };
}

/** Interactions stored for a resource id prefix (tests count what was really written). */
export async function countInteractions(db: Database, resourcePrefix: string): Promise<number> {
  const [{ count }] = await db.sql.query<{ count: number }>(
    `SELECT count(*) AS count FROM interactions WHERE resource_id LIKE $1`,
    [`${resourcePrefix}%`],
  );
  return count;
}
