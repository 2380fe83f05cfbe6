// The offline verifier (docs/integrity.md, "Offline"): `npx interactions-verify`, or `npm run verify --` in a clone.
// It reads the rows, leaves and checkpoints straight from the database, or from files alone (an export in feed order
// or an archive, beside the checkpoints with their leaves), and trusts only the public key it is given (and, when
// given, a saved copy of the published checkpoints).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { lockDataDir } from '../db/data-dir-lock';
import { openDatabase } from '../db/database';
import type { Checkpoint } from './checkpoint';
import { verifyingKeyFromPem } from './signing-key';
import { verifyLog, type VerifyReport } from './verify';
import { verifyArchiveFile, verifyExportFile } from './verify-files';

const USAGE = `usage: interactions-verify --public-key <file> (--database-url <url> | --data-dir <dir>)
         [--checkpoints <file>] [--archive-dir <dir>] [--from <n>] [--to <n>] [--json]
       interactions-verify --public-key <file> --checkpoints <file> (--export <file> | --archive <file>)
         [--from <n>] [--to <n>] [--json]

  --public-key    the signing key's public key (PEM; INTEGRITY_KEY_FILE.pub), from your own copy
  --database-url  a PostgreSQL URL (DATABASE_URL), or --data-dir: an embedded database not in use by a service
  --export        instead of a database: a saved GET /api/interactions/export?order=feed (NDJSON, no filters)
  --archive       instead of a database: one retention archive (interactions-….ndjson.gz, its manifest beside it)
  --checkpoints   with a database: a saved GET /api/integrity/checkpoints answer, an array of checkpoints or a
                  saved GET /api/integrity/checkpoints/export: each must still be there, unchanged;
                  with --export or --archive (required): a saved GET /api/integrity/checkpoints/export, made before
                  the export, the checkpoints and leaves the rows are checked against
  --archive-dir   where retention's archives are: rows of dropped partitions are checked from them
                  (with --database-url, --data-dir or --export)
  --from, --to    the first and last checkpoint to check (default: all)
  --json          print the report as JSON

Exits 0 when the log verifies clean, 1 when something was found (each finding is printed), 2 on a usage error,
3 when it could not run (a file that cannot be read, or a line that is not what it should be, is named).
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

/** Where the rows came from, as the summary line names it. */
export type RowSource = 'the database' | 'the export' | 'the archive';

/** The lines a person reads: one per finding, then the summary. */
export function formatReport(report: VerifyReport, source: RowSource = 'the database'): string {
  const lines = report.problems.map((problem) => `FOUND ${problem.kind}: ${problem.message}`);
  const range =
    report.fromCheckpoint === null
      ? 'no checkpoints'
      : `checkpoints #${report.fromCheckpoint}–#${report.throughCheckpoint}`;
  lines.push(
    `${report.ok ? 'OK' : 'NOT OK'}: ${range}, ` +
      (source === 'the archive'
        ? `${report.archivedRows} rows from the archive`
        : `${report.rows} rows from ${source}` +
          (report.archivedRows > 0 ? `, ${report.archivedRows} from archives` : '')) +
      (report.ok ? ', every signature, link and row as sealed' : `, ${report.problems.length} finding(s)`),
  );
  return `${lines.join('\n')}\n`;
}

async function readPublished(file: string): Promise<Checkpoint[]> {
  const text = await readFile(file, 'utf8');
  let parsed: Checkpoint[] | { data: Checkpoint[] };
  try {
    parsed = JSON.parse(text) as Checkpoint[] | { data: Checkpoint[] };
  } catch {
    // A saved GET /api/integrity/checkpoints/export: one checkpoint (with its leaves) a line.
    parsed = text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => {
        const { leaves: _leaves, ...checkpoint } = JSON.parse(line) as Checkpoint & { leaves?: unknown };
        return checkpoint;
      });
  }
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
        export: { type: 'string' },
        archive: { type: 'string' },
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
  const exportFile = values.export as string | undefined;
  const archiveFile = values.archive as string | undefined;
  if (!keyFile) usage('--public-key is required: the verifier trusts no key it reads from the database');
  if ([url, dataDir, exportFile, archiveFile].filter(Boolean).length !== 1) {
    usage('give one of --database-url, --data-dir, --export and --archive');
  }
  const from = positive('from', values.from as string | undefined);
  const to = positive('to', values.to as string | undefined);
  if (from !== undefined && to !== undefined && to < from) usage('--to must be at least --from');
  const key = verifyingKeyFromPem(await readFile(keyFile, 'utf8'));
  if (exportFile || archiveFile) {
    const bundle = values.checkpoints as string | undefined;
    if (!bundle) usage('--export and --archive need --checkpoints: a saved GET /api/integrity/checkpoints/export');
    const archiveDir = (values['archive-dir'] as string | undefined) ?? null;
    if (archiveFile && archiveDir) usage('--archive checks one archive on its own: leave out --archive-dir');
    const report = exportFile
      ? await verifyExportFile({ key, bundle, from, to, exportFile, archiveDir })
      : await verifyArchiveFile({ key, bundle, from, to, archiveFile: archiveFile! });
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatReport(report, exportFile ? 'the export' : 'the archive'),
    );
    return report.ok ? EXIT.clean : EXIT.found;
  }
  const published = values.checkpoints ? await readPublished(values.checkpoints as string) : undefined;
  // An embedded directory is locked like the service locks it: never opened by two processes at once.
  const lock = dataDir ? lockDataDir(dataDir) : null;
  const db = await openDatabase(
    url
      ? // Two connections: the pass over every number runs beside the reads of the ranges.
        { kind: 'postgres', url, poolSize: 2, limits: { statementTimeoutMs: 600_000 } }
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
