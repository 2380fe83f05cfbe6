import type { Express } from 'express';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { attachSubscriptions, buildApp, closeApp } from '../../src/app';
import { createApiKey } from '../../src/auth/api-key.service';
import { loadConfig, type Config } from '../../src/config';
import { LiveFeed } from '../../src/feed/live-feed';
import type { VerifyingKey } from '../../src/integrity/signing-key';
import { createLogger } from '../../src/observability/logger';
import { createHttpServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './database';
import { assertMatchesOpenApi } from './openapi';
import { eventStreamHead } from './sse';

/** A running app on a fresh database with one key per scope, for end-to-end tests over HTTP. */
export interface TestApp {
  app: Express;
  database: TestDatabase;
  config: Config;
  keys: { admin: string; read: string; write: string };
  /** The app's live feed (reads nothing until something subscribes); closed by `close()`. */
  feed: LiveFeed;
  /** Statements sent to the database since the last `resetQueryCount()`. */
  queries: string[];
  /** Stops the app (closeApp) and closes and drops its database. */
  close(): Promise<void>;
}

/** Builds the real app over a fresh, migrated database; `integrityKey` is the key verification trusts (default none). */
export async function createTestApp(
  env: NodeJS.ProcessEnv = {},
  { integrityKey = null }: { integrityKey?: VerifyingKey | null } = {},
): Promise<TestApp> {
  const queries: string[] = [];
  const database = await createTestDatabase((sql) => queries.push(sql));
  const config = loadConfig({ ...env, DATABASE_URL: database.url ?? '' });
  const feed = new LiveFeed(database.db, {
    maxSubscriptions: config.maxSubscriptions,
    maxSubscriptionsPerKey: config.maxSubscriptionsPerKey,
    bufferEvents: config.feedBufferEvents,
  });
  const app = await buildApp({
    db: database.db,
    config,
    logger: createLogger({ level: 'silent' }),
    liveFeed: feed,
    integrityKey,
  });
  const key = async (name: string, scopes: string[]) => (await createApiKey(database.db, { name, scopes })).key;
  const keys = {
    admin: await key('admin', ['admin']),
    read: await key('read', ['read']),
    write: await key('write', ['write']),
  };
  return {
    app,
    database,
    config,
    keys,
    feed,
    queries,
    async close() {
      // Apollo and the app's own interaction writer first: they may still write to the database.
      try {
        await feed.close();
        await closeApp(app);
      } finally {
        await database.close();
      }
    },
  };
}

/**
 * Supertest agent with an API key set. Every REST response it sees is checked against the OpenAPI document
 * (status documented for the route, body matching that status's schema), so each e2e suite also tests the document.
 */
export function api(app: Express, key: string) {
  const agent = request(app);
  const checked = (method: 'get' | 'post' | 'patch' | 'delete', url: string) => {
    const req = agent[method](url).set('x-api-key', key);
    // The live stream never ends by itself: read its first event, then close it.
    if (url.startsWith('/api/interactions/stream')) req.buffer(true).parse(eventStreamHead);
    return req.expect((res) => assertMatchesOpenApi(method, url, res));
  };
  return {
    get: (url: string) => checked('get', url),
    post: (url: string) => checked('post', url),
    patch: (url: string) => checked('patch', url),
    delete: (url: string) => checked('delete', url),
    graphql: (query: string, variables?: Record<string, unknown>) =>
      agent.post('/graphql').set('x-api-key', key).set('content-type', 'application/json').send({ query, variables }),
  };
}

/** A test app listening on a free port with its GraphQL subscriptions attached, as `npm start` serves it. */
export interface ListeningTestApp extends TestApp {
  /** `http://127.0.0.1:<port>` */
  base: string;
}

/** Builds a test app (createTestApp) and serves it over real HTTP and WebSocket; close() stops both, then the app. */
export async function listenTestApp(env: NodeJS.ProcessEnv = {}): Promise<ListeningTestApp> {
  const t = await createTestApp(env);
  const server = createHttpServer(t.app, t.config);
  const closeSubscriptions = attachSubscriptions(t.app, server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...t,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await closeSubscriptions();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
