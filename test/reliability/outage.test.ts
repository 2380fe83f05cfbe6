/**
 * Database outage on PostgreSQL: the service sits behind a TCP proxy the test can cut. While the database is
 * away requests fail fast with 503 UNAVAILABLE and /readyz says not ready; when it is back, the service
 * recovers by itself. (PGlite lives in the process and cannot go away on its own: skipped there.)
 */
import { createServer, Socket, type Server } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createApiKey } from '../../src/auth/api-key.service';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/service';

const describeOnPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;

/** A TCP proxy to PostgreSQL that can be cut (closing every connection) and restored on the same port. */
class CuttableProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describeOnPostgres('database outage', () => {
  let test: TestDatabase;
  let proxy: CuttableProxy;
  let db: Database;
  let app: Express;
  let key: string;

  beforeAll(async () => {
    test = await createTestDatabase();
    const target = new URL(test.url!);
    proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(test.url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    db = await openDatabase({ kind: 'postgres', url: viaProxy.toString(), poolSize: 4 });
    const config = loadConfig({ DATABASE_URL: viaProxy.toString() });
    app = await buildApp({ db, config, logger: createLogger({ level: 'silent' }) });
    key = (await createApiKey(db, { name: 'outage', scopes: ['admin'] })).key;
  });
  afterAll(async () => {
    await proxy.cut();
    await db.close().catch(() => undefined);
    await test.close();
  });

  const create = (i: number) =>
    request(app)
      .post('/api/interactions')
      .set('x-api-key', key)
      .send({ resourceId: `outage-${i}`, resourceTypeId: null, resourceType: 'NONE', action: 'CREATE', origin: 'API' });

  it('fails fast with 503 while the database is away and recovers by itself', async () => {
    await request(app).post('/api/resource-types').set('x-api-key', key).send({ mnemonic: 'NONE' }).expect(201);
    for (let i = 0; i < 10; i++) expect((await create(i)).status).toBe(201);
    expect((await request(app).get('/readyz')).status).toBe(200);

    await proxy.cut();
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => create(100 + i)));
    const reads = await Promise.all([
      request(app).get('/api/interactions').set('x-api-key', key),
      request(app).get('/api/actions').set('x-api-key', key),
      request(app).post('/graphql').set('x-api-key', key).send({ query: '{ interactions { items { id } } }' }),
    ]);
    const elapsed = Date.now() - started;
    for (const res of [...during, ...reads]) {
      expect(res.status).toBe(503);
      if (res.body.error) expect(res.body.error.code).toBe('UNAVAILABLE');
      else expect(res.body.errors?.[0]?.extensions?.code ?? res.body.error?.code).toBe('UNAVAILABLE');
    }
    expect(during[0].headers['retry-after']).toBe('1');
    expect(elapsed).toBeLessThan(15_000); // not a hang: every request answered
    expect((await request(app).get('/readyz')).status).toBe(503);
    expect((await request(app).get('/healthz')).status).toBe(200);

    await proxy.start();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      recovered = (await request(app).get('/readyz')).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    expect((await create(1000)).status).toBe(201);
    const list = await request(app).get('/api/interactions?resourceId=outage-1000').set('x-api-key', key);
    expect(list.body.pagination.total).toBe(1);
  });
});
