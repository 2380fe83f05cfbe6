import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createApiKey } from '../../src/auth/api-key.service';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { assertMatchesOpenApi } from './openapi';

/** A running app on a fresh database with one key per scope, for end-to-end tests over HTTP. */
export interface TestApp {
  app: Express;
  database: TestDatabase;
  config: Config;
  keys: { admin: string; read: string; write: string };
  /** Statements sent to the database since the last `resetQueryCount()`. */
  queries: string[];
  close(): Promise<void>;
}

/** Builds the real app over a fresh, migrated database. */
export async function createTestApp(env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const queries: string[] = [];
  const database = await createTestDatabase((sql) => queries.push(sql));
  const config = loadConfig({ ...env, DATABASE_URL: database.url ?? '' });
  const app = await buildApp({ db: database.db, config, logger: createLogger({ level: 'silent' }) });
  const key = async (name: string, scopes: string[]) => (await createApiKey(database.db, { name, scopes })).key;
  const keys = { admin: await key('admin', ['admin']), read: await key('read', ['read']), write: await key('write', ['write']) };
  return { app, database, config, keys, queries, close: () => database.close() };
}

/**
 * Supertest agent with an API key set. Every REST response it sees is checked against the OpenAPI document
 * (status documented for the route, body matching that status's schema), so each e2e suite also tests the document.
 */
export function api(app: Express, key: string) {
  const agent = request(app);
  const checked = (method: 'get' | 'post' | 'patch' | 'delete', url: string) =>
    agent[method](url)
      .set('x-api-key', key)
      .expect((res) => assertMatchesOpenApi(method, url, res));
  return {
    get: (url: string) => checked('get', url),
    post: (url: string) => checked('post', url),
    patch: (url: string) => checked('patch', url),
    delete: (url: string) => checked('delete', url),
    graphql: (query: string, variables?: Record<string, unknown>) =>
      agent.post('/graphql').set('x-api-key', key).set('content-type', 'application/json').send({ query, variables }),
  };
}
