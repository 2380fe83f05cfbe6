/**
 * closeApp stops what buildApp started, so a test file (or a script) that builds apps leaves nothing running: Apollo
 * and the app's own interaction writer. The database it was given stays open.
 */
import { closeApp } from '../../src/app';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createOrderResourceType(t);
});
afterAll(() => t.close());

it("stops GraphQL and the app's writer, and leaves the database open", async () => {
  const writer = api(t.app, t.keys.write);
  expect((await writer.post('/api/interactions').send(orderBody('before-close'))).status).toBe(201);

  await closeApp(t.app);
  await closeApp(t.app); // twice is harmless (TestApp.close calls it again)

  const graphql = await api(t.app, t.keys.read).graphql('{ actions { id } }');
  expect(graphql.status).not.toBe(200);
  const create = await writer.post('/api/interactions').send(orderBody('after-close'));
  expect(create.status).toBeGreaterThanOrEqual(500);
  expect(await t.database.db.sql.query(`SELECT 1 FROM interactions WHERE resource_id = 'after-close'`)).toEqual([]);
});
