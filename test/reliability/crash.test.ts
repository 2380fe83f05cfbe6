/**
 * Durability: SIGKILL the service in the middle of a write load, restart it on the same database, and check that
 * every interaction it acknowledged (201) is there. Runs on the suite's database kind (PGlite or PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEmptyDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { startService, type RunningService } from '../helpers/service';

jest.setTimeout(300_000); // two cold starts of the real service, on a busy machine

const ADMIN_KEY = 'ik_crash_test_admin_key_0123456789';
const WORKERS = 16;

let database: TestDatabase | null = null;
let dataDir: string | null = null;
let service: RunningService | null = null;

beforeAll(async () => {
  if (TEST_DATABASE_KIND === 'postgres') {
    database = await createEmptyDatabase();
    await database.db.close(); // the service owns the database from here
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-crash-'));
  }
});

afterAll(async () => {
  // Waited for: a child still exiting holds the jest worker open ("failed to exit gracefully").
  if (service && service.process.exitCode === null && service.process.signalCode === null) {
    service.process.kill('SIGKILL');
    await service.exited;
  }
  if (database) await database.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return database?.url
    ? { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY }
    : { DATA_DIR: dataDir!, ADMIN_API_KEY: ADMIN_KEY };
}

async function post(url: string, i: number): Promise<{ id: string; number: number } | null> {
  try {
    const res = await fetch(`${url}/api/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY, 'x-userid': 'crash' },
      signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({
        resourceId: `crash-${i}`,
        resourceType: 'CRASH',
        action: 'CREATE',
        origin: 'SYSTEM',
        interaction: { i },
      }),
    });
    if (res.status !== 201) return null;
    const body = (await res.json()) as { interactionId: string; interactionNumber: number };
    return { id: body.interactionId, number: body.interactionNumber };
  } catch {
    return null; // the connection died with the process: not acknowledged
  }
}

it('loses no acknowledged interaction when the process is killed mid-load', async () => {
  service = await startService(env());
  const created = await fetch(`${service.url}/api/resource-types`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
    body: JSON.stringify({ mnemonic: 'CRASH' }),
  });
  expect(created.status).toBe(201);

  const acknowledged: string[] = [];
  let attempts = 0;
  let stop = false;
  const url = service.url;
  const workers = Array.from({ length: WORKERS }, async () => {
    while (!stop) {
      const result = await post(url, attempts++);
      if (result) acknowledged.push(result.id);
    }
  });
  // Let the load run until a good number is acknowledged, then kill without warning while requests are in flight.
  const deadline = Date.now() + 20_000;
  while (acknowledged.length < 150 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  service.process.kill('SIGKILL');
  await service.exited;
  stop = true;
  await Promise.all(workers);
  expect(acknowledged.length).toBeGreaterThan(20);

  service = await startService(env());
  const found = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await fetch(`${service.url}/api/interactions?userId=crash&limit=100&page=${page}`, {
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { interactionId: string }[]; pagination: { hasNext: boolean } };
    body.data.forEach((row) => found.add(row.interactionId));
    if (!body.pagination.hasNext) break;
  }
  const lost = acknowledged.filter((id) => !found.has(id));
  process.stdout.write(
    `crash test (${TEST_DATABASE_KIND}): attempted ${attempts}, acknowledged ${acknowledged.length}, ` +
      `found ${found.size}, lost ${lost.length}\n`,
  );
  expect(lost).toEqual([]);
  // Unacknowledged requests may or may not have committed; nothing beyond what was attempted can exist.
  expect(found.size).toBeGreaterThanOrEqual(acknowledged.length);
  expect(found.size).toBeLessThanOrEqual(attempts);
});
