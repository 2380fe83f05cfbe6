/**
 * The service's log destination (bufferedStdout): lines are gathered into fewer writes, yet none waits for more
 * traffic to go out, and flushSync (called before every exit) writes whatever is pending at once.
 */
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bufferedStdout, createLogger, LOG_WRITE_BYTES } from '../../src/observability/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'log-batching-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Ends the destination, which closes its file descriptor. */
async function closed(destination: ReturnType<typeof bufferedStdout>): Promise<void> {
  const done = once(destination, 'close');
  destination.end();
  await done;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

async function eventually(check: () => boolean, seconds = 10): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > until) throw new Error('not within the time allowed');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('holds a lone line back, then writes it without waiting for more traffic', async () => {
  const file = path.join(dir, 'log');
  const destination = bufferedStdout(openSync(file, 'w'));
  const log = createLogger({ level: 'info', destination });
  try {
    log.info({ n: 1 }, 'lone line');
    // Still in the buffer: under LOG_WRITE_BYTES, nothing is written as the line is logged.
    expect(lines(file)).toEqual([]);
    await eventually(() => lines(file).length === 1);
    expect(JSON.parse(lines(file)[0])).toMatchObject({ level: 'info', n: 1, msg: 'lone line' });
  } finally {
    destination.flushSync();
    await closed(destination);
  }
});

it('writes what is pending at once on flushSync, as the service does before it exits', async () => {
  const file = path.join(dir, 'log');
  const destination = bufferedStdout(openSync(file, 'w'));
  const log = createLogger({ level: 'info', destination });
  try {
    log.info('stopped');
    expect(lines(file)).toEqual([]);
    destination.flushSync();
    expect(lines(file).map((line) => JSON.parse(line).msg)).toEqual(['stopped']);
  } finally {
    await closed(destination);
  }
});

it('writes many lines whole and in order, in writes of LOG_WRITE_BYTES or more', async () => {
  const file = path.join(dir, 'log');
  const destination = bufferedStdout(openSync(file, 'w'));
  const log = createLogger({ level: 'info', destination });
  const count = Math.ceil((3 * LOG_WRITE_BYTES) / 60);
  for (let i = 0; i < count; i += 1) log.info({ i }, 'request');
  await closed(destination);
  expect(lines(file).map((line) => JSON.parse(line).i)).toEqual(Array.from({ length: count }, (_, i) => i));
});
