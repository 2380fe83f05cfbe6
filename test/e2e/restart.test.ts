import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMigrations } from '../../src/db/migrator';
import { verifyingKeyFromPem } from '../../src/integrity/signing-key';
import { createEmptyDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { startService, type RunningService } from '../helpers/service';

// The real service in a child process: start, write over HTTP, SIGTERM, start again on the same storage. On
// PGlite the storage is a DATA_DIR; with DATABASE_URL set it is a fresh PostgreSQL database.

jest.setTimeout(180_000);

const MIGRATION_NAMES = readMigrations().map((file) => file.name);
const cleanups: (() => Promise<void>)[] = [];
const running: RunningService[] = [];
afterAll(async () => {
  for (const service of running) await service.stop();
  for (const cleanup of cleanups) await cleanup();
});

/** Fresh storage for one service: its env (DATA_DIR or DATABASE_URL). */
async function freshStorage(): Promise<Record<string, string>> {
  if (TEST_DATABASE_KIND === 'postgres') {
    const database: TestDatabase = await createEmptyDatabase();
    // Only the URL is needed: closing our pool now leaves the service the only client; close() drops it at the end.
    cleanups.push(() => database.close());
    // The signing key is part of the storage: both starts must find the same one.
    const keyDir = mkdtempSync(path.join(tmpdir(), 'interactions-e2e-key-'));
    cleanups.push(async () => rmSync(keyDir, { recursive: true, force: true }));
    return { DATABASE_URL: database.url as string, INTEGRITY_KEY_FILE: path.join(keyDir, 'integrity-key.pem') };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-e2e-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  return { DATA_DIR: dataDir };
}

async function start(env: Record<string, string>): Promise<RunningService> {
  const service = await startService(env);
  running.push(service);
  return service;
}

async function stop(service: RunningService): Promise<number | null> {
  const code = await service.stop();
  running.splice(running.indexOf(service), 1);
  return code;
}

function call(service: RunningService, key: string, method: string, url: string, body?: unknown) {
  return fetch(`${service.url}${url}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const migrationsApplied = (service: RunningService) =>
  service.logs().find((line) => line.msg === 'database ready')?.migrationsApplied;

const KEY_PATTERN = /\bik_[A-Za-z0-9_-]{43}\b/g;

// Two starts in all (each costs seconds): the first without ADMIN_API_KEY, the second with one.
describe('restart on the same storage', () => {
  const adminKey = `ik_e2e_${randomBytes(16).toString('hex')}`;
  let first: RunningService;
  let second: RunningService;
  let printedKeys: string[];
  let key: string;
  const created: Record<string, unknown>[] = [];
  let firstList: unknown;
  let firstExit: number | null;

  beforeAll(async () => {
    const storage = await freshStorage();
    first = await start(storage);
    printedKeys = first.stdout().match(KEY_PATTERN) ?? [];
    key = printedKeys[0];
    const rt = await call(first, key, 'POST', '/api/resource-types', { mnemonic: 'ORDER', icon: '📦' });
    expect(rt.status).toBe(201);
    for (let i = 0; i < 3; i += 1) {
      const res = await call(first, key, 'POST', '/api/interactions', {
        resourceId: `order-${i}`,
        resourceType: 'ORDER',
        action: 'CREATE',
        origin: 'WEBAPP',
        interaction: { i },
      });
      expect(res.status).toBe(201);
      created.push((await res.json()) as Record<string, unknown>);
    }
    firstList = await (await call(first, key, 'GET', '/api/interactions')).json();
    firstExit = await stop(first);
    second = await start({ ...storage, ADMIN_API_KEY: adminKey });
  });

  it('first start applies every migration and logs it', () => {
    expect(migrationsApplied(first)).toEqual(MIGRATION_NAMES);
  });

  it('first start without ADMIN_API_KEY prints one admin key, which works', () => {
    expect(printedKeys).toHaveLength(1);
    expect(created).toHaveLength(3);
  });

  it('shuts down gracefully on SIGTERM with exit code 0', () => {
    expect(firstExit).toBe(0);
    expect(first.logs().map((line) => line.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
  });

  it('second start applies no migration', () => {
    expect(migrationsApplied(second)).toEqual([]);
  });

  it('second start prints no key', () => {
    expect(second.stdout()).not.toMatch(KEY_PATTERN);
  });

  it('first start makes the integrity signing key and prints its public key; the second start keeps it', () => {
    const notice = /created the integrity signing key ([0-9a-f]{16}) in (\S+)\.\n/.exec(first.stdout());
    expect(notice).not.toBeNull();
    const [, keyId, file] = notice!;
    const publicKey = readFileSync(`${file}.pub`, 'utf8');
    expect(first.stdout()).toContain(publicKey);
    expect(verifyingKeyFromPem(publicKey).keyId).toBe(keyId);
    expect(verifyingKeyFromPem(readFileSync(file, 'utf8')).keyId).toBe(keyId);
    expect(second.stdout()).not.toContain('integrity signing key');
  });

  it('answers /healthz and /readyz without a key', async () => {
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${second.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('keeps every interaction', async () => {
    const list = await call(second, key, 'GET', '/api/interactions');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual(firstList);
    for (const row of created) {
      const res = await call(second, key, 'GET', `/api/interactions/${row.interactionId}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        interactionId: row.interactionId,
        interactionNumber: row.interactionNumber,
      });
    }
  });

  it('keeps the first-start key and adds ADMIN_API_KEY', async () => {
    expect((await call(second, key, 'GET', '/api/keys')).status).toBe(200);
    const keys = await call(second, adminKey, 'GET', '/api/keys');
    expect(keys.status).toBe(200);
    const names = ((await keys.json()) as { data: { name: string }[] }).data.map((row) => row.name).sort();
    expect(names).toEqual(['ADMIN_API_KEY', 'first-start admin']);
  });

  it('keeps numbering interactions after the restart', async () => {
    const next = await call(second, adminKey, 'POST', '/api/interactions', {
      resourceId: 'after-restart',
      resourceType: 'ORDER',
      action: 'UPDATE',
      origin: 'API',
    });
    expect(next.status).toBe(201);
    expect(((await next.json()) as { interactionNumber: number }).interactionNumber).toBeGreaterThan(
      created[created.length - 1].interactionNumber as number,
    );
  });

  it('second start also stops with exit code 0', async () => {
    expect(await stop(second)).toBe(0);
  });
});
