import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A free TCP port on localhost, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The real service (`src/main.ts`) running in a child process, as `npm start` runs it. */
export interface RunningService {
  url: string;
  process: ChildProcess;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Its JSON log lines so far (stdout and stderr), parsed. */
  logs(): Record<string, unknown>[];
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after 20 s). */
  stop(): Promise<number | null>;
}

let built = false;
/** Builds dist/ from src/ if it is out of date (a no-op after `npm test`'s pretest), once per test process. */
function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/build-server.js'], { cwd: ROOT, stdio: 'ignore' });
  built = true;
}

/**
 * Starts `node dist/main.js`, as `npm start` does, with `env` on top of a clean environment (no
 * DATABASE_URL, DATA_DIR, ADMIN_API_KEY or NODE_OPTIONS of the test run), and resolves once it logs `readyMessage`
 * (`listening`; with WEB_CONCURRENCY above 1 the primary's `workers listening`). The generous default timeout covers
 * a cold start on a busy 2-core machine.
 */
export async function startService(
  env: Record<string, string>,
  timeoutMs = 180_000,
  readyMessage = 'listening',
): Promise<RunningService> {
  const port = await freePort();
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'ADMIN_API_KEY', 'NODE_OPTIONS', 'PORT']) delete base[name];
  ensureBuilt();
  // Without DATA_DIR the signing key would go to ./data of the checkout: a key of its own, removed at exit, unless
  // the test names one (instances that share a database must share it).
  const keyDir =
    env.DATA_DIR || env.INTEGRITY_KEY_FILE ? null : mkdtempSync(path.join(tmpdir(), 'interactions-service-key-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      ...base,
      LOG_LEVEL: 'info',
      ...(keyDir ? { INTEGRITY_KEY_FILE: path.join(keyDir, 'integrity-key.pem') } : {}),
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (keyDir) child.once('exit', () => rmSync(keyDir, { recursive: true, force: true }));
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Complete lines only: the log is written asynchronously, so a chunk may end inside a line.
  const lines = (text: string) => text.split('\n').slice(0, -1);
  const logs = () =>
    [...lines(out), ...lines(err)]
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const deadline = Date.now() + timeoutMs;
  while (!logs().some((line) => line.msg === readyMessage)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start (exit ${child.exitCode}):\n${out}\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stdout: () => out,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
