/**
 * Server CPU per request, A against B: starts the service of each checkout in turn on an existing bench database
 * (one `npm run bench -- --keep` left), drives each named scenario for a fixed time at its connection count, and
 * prints the service's CPU microseconds per request. Rounds alternate (A, B, A, B…) so a busy machine weighs on both.
 *
 *   node -r ts-node/register/transpile-only bench/probe.ts --db bench_run [--dirs /a,/b] [--scenarios get-by-id]
 *     [--seconds 8] [--rounds 2]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openDatabase } from '../src/db/database';
import { BENCH_DB_LIMITS } from './db-limits';
import { startCpuMeter } from './cpu';
import { sampleKeys } from './dataset';
import { driveScenario } from './load';
import { buildScenarios } from './scenarios';
import { startServer } from './server';

async function main() {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i], argv[i + 1]);
  const database = args.get('--db') ?? 'bench_run';
  const url = `postgresql://postgres@127.0.0.1:5432/${database}`;
  const dirs = (args.get('--dirs') ?? path.resolve(__dirname, '..')).split(',');
  const names = (args.get('--scenarios') ?? 'get-by-id').split(',');
  const seconds = Number(args.get('--seconds') ?? 8);
  const rounds = Number(args.get('--rounds') ?? 2);
  const db = await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url, poolSize: 2 });
  const samples = await sampleKeys(db.sql);
  await db.close();
  const key = `probe-${randomBytes(12).toString('hex')}`;
  const marker = (name: string) => `bench-probe-${name}`;
  const scenarios = buildScenarios({ samples, marker, readConnections: 4, batchSize: 1000 }).filter((s) =>
    names.includes(s.name),
  );
  for (let round = 0; round < rounds; round += 1) {
    for (const dir of dirs) {
      const server = await startServer(
        { ADMIN_API_KEY: key, CHECKPOINT_SECONDS: '0', DATABASE_URL: url, ...JSON.parse(args.get('--env') ?? '{}') },
        dir,
      );
      try {
        for (const scenario of scenarios) {
          await driveScenario({ url: server.url, key, scenario, seconds: 2, onResponse: () => undefined });
          const meter = startCpuMeter(server.pid)!;
          let ok = 0;
          let bad = 0;
          await driveScenario({
            url: server.url,
            key,
            scenario,
            seconds,
            onResponse: (status) => (status < 300 ? (ok += 1) : (bad += 1)),
          });
          const items = ok * (scenario.write?.itemsPerRequest ?? 1);
          const cpu = meter(items);
          process.stdout.write(
            `${round} ${path.basename(dir)} ${scenario.name}: ${(ok / seconds).toFixed(0)} req/s, server ${cpu.perItemUs?.server?.toFixed(1)} µs/item, pg ${cpu.perItemUs?.postgres.toFixed(1)}, non2xx ${bad}\n`,
          );
        }
      } finally {
        await server.stop();
      }
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
