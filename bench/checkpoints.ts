import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database';
import { sealAll } from '../src/integrity/checkpoint';
import { loadOrCreateSigningKey } from '../src/integrity/signing-key';
import { BENCH_DB_LIMITS } from './db-limits';
import { driveScenario } from './load';
import type { Scenario } from './scenarios';
import { npmStartNodeArgs, startServer } from './server';
import { median, percentile } from './stats';

/** Write throughput with checkpoint sealing on against off (issue 19: on ≥ 0.95 × off). */
export const CHECKPOINT_SCENARIO = 'checkpoint-write-throughput';
const TARGET_RATIO = 0.95;

export interface CheckpointThroughputOptions {
  /** Measured seconds per scenario and round. */
  seconds: number;
  /** Unmeasured seconds of each scenario's load before it is measured, in every round. */
  warmup: number;
  /** Pairs of rounds, in the order off-on, on-off, off-on, … (each round a service of its own). */
  pairs: number;
  /** CHECKPOINT_SECONDS of the "on" rounds: short, so seals fall inside every measured window. */
  checkpointSeconds: number;
}

interface Round {
  sealing: boolean;
  itemsPerSecond: Record<string, number>;
  latencyMs: Record<string, { p50: number | null; p99: number | null }>;
  non201: Record<string, number>;
  /** Checkpoints sealed during the round (the service's, counted in the database). */
  sealed: number;
}

export interface CheckpointThroughputResult {
  status: 'ok';
  description: string;
  /** The loaded log sealed before the first round, as a service starting on it would (the steady state after). */
  initialSeal: { rows: number; checkpoints: number; seconds: number; rowsPerSecond: number };
  loadAverage: { atStart: number[]; atEnd: number[] };
  rounds: Round[];
  /**
   * Per write scenario: median items/s off and on, and on ÷ off (what `targetMet` judges); and `pairRatios`, on ÷ off
   * of each adjacent pair of rounds with their median, which a machine whose speed drifts during the run moves less.
   */
  ratios: Record<
    string,
    {
      off: number | null;
      on: number | null;
      ratio: number | null;
      targetMet: boolean;
      pairRatios: number[];
      pairRatioMedian: number | null;
    }
  >;
}

const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)));

/**
 * The bench's single and batch creates against services with sealing off (CHECKPOINT_SECONDS=0) and on, alternating
 * so the machine's drift falls on both sides; medians compared. The existing log is sealed first (with the key the
 * "on" services use), so the "on" rounds seal only what the rounds write, as a service in its steady state does.
 */
export async function runCheckpointThroughput(
  context: { serverEnv: Record<string, string>; key: string; serverDir?: string; progress: (m: string) => void },
  scenarios: Scenario[],
  options: CheckpointThroughputOptions,
): Promise<CheckpointThroughputResult> {
  const atStart = loadAverage();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-checkpoints-'));
  const keyFile = path.join(dir, 'integrity-key.pem');
  const key = await loadOrCreateSigningKey(keyFile);
  const db = await openDatabase({
    kind: 'postgres',
    url: context.serverEnv.DATABASE_URL,
    limits: BENCH_DB_LIMITS,
    poolSize: 2,
  });
  const countCheckpoints = async () =>
    Number((await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM integrity_checkpoints'))[0].n);
  try {
    context.progress(`${CHECKPOINT_SCENARIO}: sealing the loaded log…`);
    const started = process.hrtime.bigint();
    const initial = await sealAll(db, key, { maxRows: 10_000 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rows = initial.reduce((sum, checkpoint) => sum + checkpoint.rowCount, 0);
    const rounds: Round[] = [];
    for (let pair = 0; pair < options.pairs; pair += 1) {
      for (const sealing of pair % 2 === 0 ? [false, true] : [true, false]) {
        context.progress(`${CHECKPOINT_SCENARIO}: round ${rounds.length + 1}, sealing ${sealing ? 'on' : 'off'}…`);
        const server = await startServer(
          {
            ...context.serverEnv,
            NODE_OPTIONS: '',
            INTEGRITY_KEY_FILE: keyFile,
            CHECKPOINT_SECONDS: sealing ? String(options.checkpointSeconds) : '0',
          },
          context.serverDir,
          npmStartNodeArgs(context.serverDir),
        );
        const round: Round = { sealing, itemsPerSecond: {}, latencyMs: {}, non201: {}, sealed: 0 };
        const checkpointsBefore = await countCheckpoints();
        try {
          for (const scenario of scenarios) {
            const items = scenario.write?.itemsPerRequest ?? 1;
            const drive = (s: number, onResponse: (status: number, ms: number) => void) =>
              driveScenario({ url: server.url, key: context.key, scenario, seconds: s, onResponse });
            if (options.warmup > 0) await drive(options.warmup, () => undefined);
            const latencies: number[] = [];
            let created = 0;
            const result = await drive(options.seconds, (status, ms) => {
              latencies.push(ms);
              if (status === 201) created += 1;
            });
            latencies.sort((a, b) => a - b);
            round.itemsPerSecond[scenario.name] = Math.round((created * items) / (result.duration || options.seconds));
            round.latencyMs[scenario.name] = { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
            round.non201[scenario.name] = latencies.length - created;
          }
        } finally {
          await server.stop();
          round.sealed = (await countCheckpoints()) - checkpointsBefore;
        }
        rounds.push(round);
      }
    }
    const ratios: CheckpointThroughputResult['ratios'] = {};
    for (const scenario of scenarios) {
      const of = (sealing: boolean) =>
        median(rounds.filter((r) => r.sealing === sealing).map((r) => r.itemsPerSecond[scenario.name]));
      const off = of(false);
      const on = of(true);
      const ratio = off && on !== null ? Math.round((on / off) * 100) / 100 : null;
      // Rounds run in pairs (off/on, on/off, …): each pair's on ÷ off.
      const pairRatios: number[] = [];
      for (let i = 0; i + 1 < rounds.length; i += 2) {
        const [on1, off1] = rounds[i].sealing ? [rounds[i], rounds[i + 1]] : [rounds[i + 1], rounds[i]];
        const offRate = off1.itemsPerSecond[scenario.name];
        if (offRate) pairRatios.push(Math.round((on1.itemsPerSecond[scenario.name] / offRate) * 100) / 100);
      }
      ratios[scenario.name] = {
        off,
        on,
        ratio,
        targetMet: ratio !== null && ratio >= TARGET_RATIO,
        pairRatios,
        pairRatioMedian: median(pairRatios),
      };
    }
    return {
      status: 'ok',
      description:
        `${scenarios.map((s) => s.name).join(' and ')} with sealing on (CHECKPOINT_SECONDS=${options.checkpointSeconds}) ` +
        `against off, ${options.pairs * 2} alternating rounds of ${options.seconds} s each, a service per round`,
      initialSeal: { rows, checkpoints: initial.length, seconds, rowsPerSecond: Math.round(rows / seconds) },
      loadAverage: { atStart, atEnd: loadAverage() },
      rounds,
      ratios,
    };
  } finally {
    // The bench's rows are deleted after the run: the checkpoints over them go too, so a --keep run starts unsealed.
    await db.sql.exec('TRUNCATE integrity_checkpoints, integrity_leaf_blocks');
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
