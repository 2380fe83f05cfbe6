import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

/** The lock file inside DATA_DIR while a process has the embedded database open (ADR 090). */
export const LOCK_FILE = 'interactions.lock';

/** What the lock file holds: who has the directory, and how to tell a live holder from a reused PID. */
interface LockHolder {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux /proc/<pid>/stat field 22); null elsewhere. */
  startTicks: string | null;
  /** What it runs (`npm start`, `npm run keys`…), for the message. */
  command: string;
  since: string;
}

/** Thrown when another live process has the data directory open. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another process (pid ${holder.pid}, ${holder.command}, since ${holder.since}): ` +
        `the embedded database has one user at a time. Stop that process first` +
        `, or use the running service's API instead (e.g. POST /api/keys with an admin key).`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** A held lock; release() is idempotent and also runs when the process exits. */
export interface DataDirLock {
  release(): void;
}

function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces: count the fields after its closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // field 22 overall: starttime
  } catch {
    return null;
  }
}

/**
 * Whether the recorded holder still runs. A PID alone is not enough: after a SIGKILL and a reboot (or a busy
 * machine) the PID may belong to another process, so on Linux its start time must match too.
 */
function isAlive(holder: LockHolder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user — alive.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.startTicks === null) return true;
  const now = startTicksOf(holder.pid);
  return now === null || now === holder.startTicks;
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A torn or empty file: its writer died between create and write. Treat as stale.
    return { pid: 0, startTicks: null, command: 'unknown', since: 'unknown' };
  }
}

/**
 * Takes the lock on a PGlite data directory for this process, or throws DataDirInUseError when a live process holds
 * it. A lock left by a dead process (SIGKILL, power loss) or by a PID now reused is taken over.
 */
export function lockDataDir(dataDir: string, command = commandLine()): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    command,
    since: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      const fd = openSync(file, 'wx'); // atomic: fails when the file exists
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
      try {
        unlinkSync(file); // stale: its holder is gone
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    // Only our own lock: never remove one another process took over.
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', release);
  return { release };
}

function commandLine(): string {
  const event = process.env.npm_lifecycle_event;
  if (event) return `npm ${event === 'start' ? 'start' : `run ${event}`}`;
  return path.basename(process.argv[1] ?? 'node');
}
