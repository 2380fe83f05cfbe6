/**
 * Every CLI reads the same settings as the service and, like `npm start`, answers a bad one with the one-line
 * ConfigError message on stderr and exit code 1 — not a stack trace from a throw outside its promise chain.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

jest.setTimeout(180_000); // each CLI starts through ts-node on a busy machine

const ROOT = path.resolve(__dirname, '../..');
const LINE = 'LOG_LEVEL=loud is not valid: use one of fatal, error, warn, info, debug, trace, silent\n';
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-cli-config-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `scripts/<script>` as its npm script does, with LOG_LEVEL=loud and a scratch DATA_DIR. */
function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'loud', DATA_DIR: dataDir };
  for (const name of ['DATABASE_URL', 'NODE_OPTIONS']) delete env[name];
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', `scripts/${script}`, ...args],
      { cwd: ROOT, env },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

it.each([
  ['partition.ts', []],
  ['retention.ts', ['--dry-run']],
  ['archive-import.ts', ['archive.ndjson.gz']],
  ['migrate.ts', []],
  ['timeline-rebuild.ts', []],
  ['keys.ts', ['list']],
])('%s prints the one line and exits 1', async (script, args) => {
  const result = await run(script, args);
  expect(result).toEqual({ code: 1, stdout: '', stderr: LINE });
});
