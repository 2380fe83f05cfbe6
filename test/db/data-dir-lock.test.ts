/**
 * The embedded database's data directory has one user at a time (ADR 090): with the real service running on a
 * PGlite DATA_DIR, `npm run keys -- create` and a second `npm start` refuse with a message naming the directory and
 * the holder; a SIGKILLed service leaves no lock that blocks the next start. PostgreSQL needs no lock.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/db/data-dir-lock';
import { startService, type RunningService } from '../helpers/service';

jest.setTimeout(300_000); // cold starts of the real service on a busy machine

const ROOT = path.resolve(__dirname, '../..');
const ADMIN_KEY = 'ik_lock_test_admin_key_0123456789abc';
let dataDir: string;
let service: RunningService | null = null;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-lock-'));
});
afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a script as `npm run <script>` does (node -r ts-node/register/transpile-only scripts/<file>). */
function script(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'NODE_OPTIONS']) delete env[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', `scripts/${file}`, ...args],
      { cwd: ROOT, env: { ...env, DATA_DIR: dataDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const IN_USE = /^DATA_DIR .+ is in use by another process \(pid \d+, .+\): .*Stop that process first.*POST \/api\/keys/;

describe('with the service running on a PGlite data directory', () => {
  beforeAll(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY });
  });

  it('npm run keys -- create refuses with a message naming the directory, exit 1, and creates nothing', async () => {
    const result = await script('keys.ts', 'create', '--name', 'x', '--scopes', 'read');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(IN_USE);
    expect(result.stderr).toContain(dataDir);
    expect(result.stderr).toContain(`pid ${service!.process.pid}`);
    const listed = await fetch(`${service!.url}/api/keys`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { data?: { name: string }[] } | { name: string }[];
    expect(JSON.stringify(body)).not.toContain('"name":"x"');
  });

  it('every other script that opens the data directory refuses too', async () => {
    for (const [file, ...args] of [
      ['migrate.ts'],
      ['timeline-rebuild.ts'],
      ['partition.ts'],
      ['retention.ts', '--dry-run'],
      ['archive-import.ts', path.join(dataDir, 'none.ndjson.gz')],
    ]) {
      const result = await script(file, ...args);
      expect({ file, code: result.code }).toEqual({ file, code: 1 });
      expect(result.stderr).toMatch(IN_USE);
    }
  });

  it('a second service on the same DATA_DIR refuses to start, with the one line on stderr', async () => {
    await expect(startService({ DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY }, 60_000)).rejects.toThrow(
      /service did not start \(exit 1\)[\s\S]*DATA_DIR .+ is in use by another process/,
    );
    // The first one is untouched.
    expect((await fetch(`${service!.url}/readyz`)).status).toBe(200);
  });

  it('after a SIGKILL of the service, a new start on the same directory succeeds', async () => {
    service!.process.kill('SIGKILL');
    await service!.exited;
    // The dead process's lock file is still there; its PID is gone, so the next start takes it over.
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: service!.process.pid,
    });
    service = await startService({ DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY });
    expect((await fetch(`${service.url}/api/keys`, { headers: { 'x-api-key': ADMIN_KEY } })).status).toBe(200);
  });

  it('after a clean stop the lock is gone and the CLI works', async () => {
    expect(await service!.stop()).toBe(0);
    service = null;
    expect(() => readFileSync(path.join(dataDir, LOCK_FILE))).toThrow(/ENOENT/);
    const result = await script('keys.ts', 'create', '--name', 'after', '--scopes', 'read');
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'interactions-lockfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second lock in the same process and allows one after release', () => {
    const lock = lockDataDir(dir, 'test');
    expect(() => lockDataDir(dir, 'test')).toThrow(DataDirInUseError);
    lock.release();
    lockDataDir(dir, 'test').release();
  });

  it('takes over a lock whose PID now belongs to another process (PID reuse: the start time differs)', () => {
    // PID 1 is alive, but it is not the process that wrote this lock.
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, startTicks: '1', command: 'npm start', since: '2020-01-01T00:00:00.000Z' }),
    );
    lockDataDir(dir, 'test').release();
  });

  it('takes over a torn (empty) lock file', () => {
    writeFileSync(path.join(dir, LOCK_FILE), '');
    lockDataDir(dir, 'test').release();
  });
});
