// `npm run fuzz -- [--requests 100000] [--seed N] [--concurrency 8]`: the long fuzz run. Starts the service as
// `npm start` runs it (on a fresh PGlite directory, or on DATABASE_URL when set), sends broken requests generated
// from its own OpenAPI document (test/reliability/fuzzer.ts, the same generator as the bounded test in the suite),
// and exits 1 on any 5xx, reset, hang or error body outside the documented shape, or when the service no longer
// answers afterwards. The bounded version runs in `npm test` (test/reliability/fuzz.test.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startService } from '../test/helpers/service';
import { fuzzer, operationsOf, runFuzz } from '../test/reliability/fuzzer';

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const total = Number(values.requests);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (![total, seed, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error('--requests, --seed and --concurrency take positive integers');
  }
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(os.tmpdir(), 'interactions-fuzz-'));
  const adminKey = `fuzz-admin-${randomBytes(16).toString('hex')}`;
  const service = await startService({
    ADMIN_API_KEY: adminKey,
    ...(dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: process.env.DATABASE_URL as string }),
  });
  try {
    const call = async (method: string, route: string, key: string, body?: unknown) => {
      const res = await fetch(`${service.url}${route}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const key = async (scopes: string[]) =>
      (await call('POST', '/api/keys', adminKey, { name: `fuzz-${scopes[0]}`, scopes })).body.key as string;
    const keys = { admin: adminKey, write: await key(['write']), read: await key(['read']) };
    await call('POST', '/api/resource-types', adminKey, { mnemonic: 'ORDER' });
    const document = (await call('GET', '/api/openapi.json', adminKey)).body;
    const operations = operationsOf(document);

    const started = Date.now();
    const { statuses, failures } = await runFuzz(
      Number(new URL(service.url).port),
      fuzzer(operations, keys, seed),
      total,
      concurrency,
    );
    const alive = (await call('GET', '/api/actions', keys.read)).status === 200;
    const summary = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`)
      .join(' ');
    process.stdout.write(
      `fuzz: ${total} requests over ${operations.length} operations in ${Math.round((Date.now() - started) / 1000)} s ` +
        `(seed ${seed}, ${dataDir ? 'pglite' : 'postgresql'}), statuses ${summary}, failures ${failures.length}, ` +
        `service ${alive ? 'still answering' : 'NOT answering'}\n`,
    );
    for (const failure of failures.slice(0, 50)) process.stdout.write(`  ${failure}\n`);
    process.exitCode = failures.length === 0 && alive ? 0 : 1;
  } finally {
    await service.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
