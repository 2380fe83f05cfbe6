// The offline verifier (docs/integrity.md, "Verifying offline"): `npx interactions-verify`, or `npm run verify --` in
// a clone. It reads the rows, leaves and checkpoints straight from the database, and trusts only the public key it is
// given (and, when given, a saved copy of the published checkpoints).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { lockDataDir } from '../db/data-dir-lock';
import { openDatabase } from '../db/database';
import type { Checkpoint } from './checkpoint';
import { verifyingKeyFromPem } from './signing-key';
import { verifyLog, type VerifyReport } from './verify';

const USAGE = `usage: interactions-verify --public-key <file> (--database-url <url> | --data-dir <dir>)
         [--checkpoints <file>] [--archive-dir <dir>] [--from <n>] [--to <n>] [--json]

  --public-key    the signing key's public key (PEM; INTEGRITY_KEY_FILE.pub), from your own copy
  --database-url  a PostgreSQL URL (DATABASE_URL), or --data-dir: an embedded database not in use by a service
  --checkpoints   a saved GET /api/integrity/checkpoints answer (or an array of checkpoints): each must still be there
  --archive-dir   where retention's archives are: rows of dropped partitions are checked from them
  --from, --to    the first and last checkpoint to check (default: all)
  --json          print the report as JSON

Exits 0 when the log verifies clean, 1 when something was found (each finding is printed), 2 on a usage error.
`;

/** Exit codes. */
export const EXIT = { clean: 0, found: 1, usage: 2, failed: 3 } as const;

function usage(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(EXIT.usage);
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) usage(`--${name} must be a checkpoint number (1 or more)`);
  return value;
}

/** The lines a person reads: one per finding, then the summary. */
export function formatReport(report: VerifyReport): string {
  const lines = report.problems.map((problem) => `FOUND ${problem.kind}: ${problem.message}`);
  const range =
    report.fromCheckpoint === null
      ? 'no checkpoints'
      : `checkpoints #${report.fromCheckpoint}–#${report.throughCheckpoint}`;
  lines.push(
    `${report.ok ? 'OK' : 'NOT OK'}: ${range}, ${report.rows} rows from the database` +
      (report.archivedRows > 0 ? `, ${report.archivedRows} from archives` : '') +
      (report.ok ? ', every signature, link and row as sealed' : `, ${report.problems.length} finding(s)`),
  );
  return `${lines.join('\n')}\n`;
}

async function readPublished(file: string): Promise<Checkpoint[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as Checkpoint[] | { data: Checkpoint[] };
  const list = Array.isArray(parsed) ? parsed : parsed.data;
  if (!Array.isArray(list)) throw new Error(`${file} holds neither an array of checkpoints nor a checkpoints page`);
  return list.map((checkpoint) => ({ ...checkpoint, format: 'interactions-checkpoint/1' }));
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'public-key': { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        checkpoints: { type: 'string' },
        'archive-dir': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.clean;
  }
  const keyFile = values['public-key'] as string | undefined;
  const url = values['database-url'] as string | undefined;
  const dataDir = values['data-dir'] as string | undefined;
  if (!keyFile) usage('--public-key is required: the verifier trusts no key it reads from the database');
  if (!url === !dataDir) usage('give one of --database-url and --data-dir');
  const from = positive('from', values.from as string | undefined);
  const to = positive('to', values.to as string | undefined);
  const key = verifyingKeyFromPem(await readFile(keyFile, 'utf8'));
  const published = values.checkpoints ? await readPublished(values.checkpoints as string) : undefined;
  // An embedded directory is locked like the service locks it: never opened by two processes at once.
  const lock = dataDir ? lockDataDir(dataDir) : null;
  const db = await openDatabase(
    url
      ? { kind: 'postgres', url, poolSize: 1, limits: { statementTimeoutMs: 600_000 } }
      : { kind: 'pglite', dataDir: dataDir! },
  ).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  try {
    const report = await verifyLog(db.sql, {
      key,
      from,
      to,
      published,
      archiveDir: (values['archive-dir'] as string | undefined) ?? null,
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? EXIT.clean : EXIT.found;
  } finally {
    await db.close();
    lock?.release();
  }
}

// Exits with the code itself: with the embedded database, process.exitCode = 1 was seen to end as exit 0.
main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`interactions-verify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
