import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService, type RunningService } from '../helpers/service';

// Follows docs/getting-started.md word for word: every ```sh block of the page runs in bash against the real
// service, started as `npm start` starts it (src/main.ts) on a fresh data directory. `npm install` is what the
// test run itself stands on, so it is the one line not re-run; `npm start` is the service below. The admin key
// the first start prints replaces the example key, and the service's ephemeral port replaces 4000.

const PAGE = path.resolve(__dirname, '../../docs/getting-started.md');
const KEY_PATTERN = /\bik_[A-Za-z0-9_-]{43}\b/;

/** The ```sh blocks of the page, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
}

let service: RunningService;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'getting-started-'));
  service = await startService({ DATA_DIR: dataDir });
});
afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('starts with the two commands of the page', () => {
  expect(shellBlocks(readFileSync(PAGE, 'utf8'))[0].trim().split('\n')).toEqual(['npm install', 'npm start']);
});

it('runs every command of the page, as written, with the key the first start printed', () => {
  const key = service.stdout().match(KEY_PATTERN)?.[0];
  expect(key).toBeDefined();
  const port = new URL(service.url).port;
  const [, ...blocks] = shellBlocks(readFileSync(PAGE, 'utf8'));
  expect(blocks[0]).toMatch(/^export KEY=ik_/);
  const script = blocks
    .map((block, index) => `echo "--- block ${index + 1}"\n${block}`)
    .join('\n')
    .replace(/^export KEY=ik_\S+$/m, `export KEY=${key}`)
    .replace(/localhost:4000/g, `127.0.0.1:${port}`);
  // One answer per line: curl prints no newline after a JSON body.
  const withNewlines = `curl() { command curl "$@"; echo; }\n${script}`;
  const output = execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', withNewlines], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const answers = output.split(/^--- block \d+$/m).slice(1);
  expect(answers).toHaveLength(blocks.length);
  // The last block records a second step, then asks for the summary and the timeline.
  const trace = answers[answers.length - 1].trim().split('\n').filter(Boolean);
  expect(trace).toHaveLength(3);
  expect(JSON.parse(trace[0])).toMatchObject({ resourceId: 'order-1', userId: 'alice' });
  const summary = JSON.parse(trace[1]);
  expect(summary).toMatchObject({
    uowId: '0193a8c0-0000-7000-8000-000000000001',
    totalInteractions: 2,
    uniqueActions: ['CREATE', 'UPDATE'],
    resourceTypes: ['ORDER'],
    userIds: ['alice'],
  });
  expect(JSON.parse(trace[2]).data.map((step: { action: string }) => step.action)).toEqual(['CREATE', 'UPDATE']);
});
