/**
 * Every setting is checked by loadConfig with a message naming the variable, its value and what is allowed; the
 * real service prints that one line on stderr and exits 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workerPoolSize } from '../../src/cluster';
import { ConfigError, loadConfig } from '../../src/config';
import { startService } from '../helpers/service';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

it('defaults need no variable', () => {
  expect(loadConfig({})).toMatchObject({ port: 4000, logLevel: 'info', partitionInterval: 'month', databaseUrl: null });
});

describe('enum', () => {
  it('LOG_LEVEL=loud names the variable, the value and the levels', () => {
    expect(errorOf({ LOG_LEVEL: 'loud' }).message).toBe(
      'LOG_LEVEL=loud is not valid: use one of fatal, error, warn, info, debug, trace, silent',
    );
  });
  it('NODE_ENV=prod names the variable and the accepted values', () => {
    expect(errorOf({ NODE_ENV: 'prod' }).message).toBe(
      'NODE_ENV=prod is not valid: use one of development, production, test',
    );
  });
  it('NODE_ENV=production turns introspection off, test and development leave it on', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, graphqlIntrospection: false });
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ production: false, graphqlIntrospection: true });
    expect(loadConfig({})).toMatchObject({ production: false, graphqlIntrospection: true });
  });
  it('accepts a level in any case', () => {
    expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
  });
  it('PARTITION_INTERVAL=year', () => {
    expect(errorOf({ PARTITION_INTERVAL: 'year' }).message).toBe(
      'PARTITION_INTERVAL=year is not valid: use one of day, week, month',
    );
  });
});

describe('integer with bounds', () => {
  it.each([
    ['PORT', '70000', 'use an integer from 0 to 65535'],
    ['PORT', 'abc', 'use an integer from 0 to 65535'],
    ['PORT', '40.5', 'use an integer from 0 to 65535'],
    ['DATABASE_POOL_SIZE', '0', 'use an integer from 1 to 1000'],
    ['RETENTION_DAYS', '0', 'use an integer from 1 to 365000'],
    ['COALESCE_MAX_BATCH', '1e3', 'use an integer from 1 to 1000'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '50', 'use an integer from 100 to 3600000'],
    ['DATABASE_CONNECT_TIMEOUT_MS', 'soon', 'use an integer from 100 to 600000'],
    ['DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS', '0', 'use an integer from 1000 to 86400000'],
  ])('%s=%s', (name, value, allowed) => {
    expect(errorOf({ [name]: value }).message).toBe(`${name}=${value} is not valid: ${allowed}`);
  });
  it('accepts the bounds', () => {
    expect(loadConfig({ PORT: '0', RETENTION_DAYS: '365000' })).toMatchObject({ port: 0, retentionDays: 365000 });
  });
});

describe('WEB_CONCURRENCY', () => {
  const postgres = { DATABASE_URL: 'postgresql://localhost/interactions' };
  it('defaults to 1: one process, no cluster', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig(postgres).webConcurrency).toBe(1);
  });
  it.each(['0', '-1', 'abc', '1.5', '65', '1e2', '99999999999999999999'])('WEB_CONCURRENCY=%s', (value) => {
    expect(errorOf({ ...postgres, WEB_CONCURRENCY: value }).message).toBe(
      `WEB_CONCURRENCY=${value} is not valid: use an integer from 1 to 64`,
    );
  });
  it('accepts 1 to 64 workers on PostgreSQL', () => {
    expect(loadConfig({ ...postgres, WEB_CONCURRENCY: '2' }).webConcurrency).toBe(2);
    expect(loadConfig({ ...postgres, WEB_CONCURRENCY: ' 64 ' }).webConcurrency).toBe(64);
  });
  it('splits DATABASE_POOL_SIZE between the workers, at least 1 each', () => {
    expect(workerPoolSize({ databasePoolSize: 10, webConcurrency: 2 })).toBe(5);
    expect(workerPoolSize({ databasePoolSize: 10, webConcurrency: 3 })).toBe(3);
    expect(workerPoolSize({ databasePoolSize: 10, webConcurrency: 64 })).toBe(1);
  });
  it('refuses more than one on the embedded database, accepts 1 there', () => {
    expect(errorOf({ WEB_CONCURRENCY: '2' })).toMatchObject({ variable: 'WEB_CONCURRENCY' });
    expect(errorOf({ WEB_CONCURRENCY: '2' }).message).toBe(
      'WEB_CONCURRENCY=2 is not valid: several worker processes need PostgreSQL (DATABASE_URL); the embedded ' +
        'database admits one process: use 1',
    );
    expect(loadConfig({ WEB_CONCURRENCY: '1' }).webConcurrency).toBe(1);
  });
});

describe('tamper evidence settings', () => {
  it('default to a seal a minute, 10,000 rows a checkpoint, a tenth of the time, the key in DATA_DIR', () => {
    expect(loadConfig({ DATA_DIR: '/srv/interactions' })).toMatchObject({
      checkpointSeconds: 60,
      checkpointRows: 10_000,
      checkpointCpuShare: 0.1,
      integrityKeyFile: '/srv/interactions/integrity-key.pem',
    });
    expect(
      loadConfig({ CHECKPOINT_SECONDS: '0', CHECKPOINT_CPU_SHARE: '1', INTEGRITY_KEY_FILE: '/k/key.pem' }),
    ).toMatchObject({ checkpointSeconds: 0, checkpointCpuShare: 1, integrityKeyFile: '/k/key.pem' });
    expect(loadConfig({ CHECKPOINT_CPU_SHARE: '.25' }).checkpointCpuShare).toBe(0.25);
  });
  it.each([
    ['CHECKPOINT_SECONDS', '-1', 'use an integer from 0 to 86400'],
    ['CHECKPOINT_ROWS', '10', 'use an integer from 100 to 1000000'],
    ['CHECKPOINT_CPU_SHARE', '0', 'use a fraction above 0 and at most 1, e.g. 0.1'],
    ['CHECKPOINT_CPU_SHARE', '1.5', 'use a fraction above 0 and at most 1, e.g. 0.1'],
    ['CHECKPOINT_CPU_SHARE', '10%', 'use a fraction above 0 and at most 1, e.g. 0.1'],
    ['CHECKPOINT_CPU_SHARE', 'NaN', 'use a fraction above 0 and at most 1, e.g. 0.1'],
  ])('%s=%s', (name, value, allowed) => {
    expect(errorOf({ [name]: value }).message).toBe(`${name}=${value} is not valid: ${allowed}`);
  });
  it('INTEGRITY_KEY_FILE naming a directory', () => {
    expect(errorOf({ INTEGRITY_KEY_FILE: tmpdir() }).message).toBe(
      `INTEGRITY_KEY_FILE=${JSON.stringify(tmpdir())} is not valid: use the path of a file (a PEM private key)`,
    );
  });
});

describe('database time limits', () => {
  it('default to 5 s for requests, 30 min for maintenance, 3 s to connect', () => {
    expect(loadConfig({})).toMatchObject({
      databaseStatementTimeoutMs: 5000,
      databaseMaintenanceStatementTimeoutMs: 1_800_000,
      databaseConnectTimeoutMs: 3000,
    });
  });
  it('maintenance may not be held to less than requests', () => {
    expect(
      errorOf({ DATABASE_STATEMENT_TIMEOUT_MS: '60000', DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS: '30000' }).message,
    ).toBe(
      'DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS=30000 is not valid: it must not be less than DATABASE_STATEMENT_TIMEOUT_MS (60000)',
    );
  });
  it('a request limit above the default maintenance one raises maintenance to match', () => {
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '3600000' }).databaseMaintenanceStatementTimeoutMs).toBe(
      3_600_000,
    );
  });
});

describe('boolean', () => {
  it('GRAPHQL_INTROSPECTION=maybe', () => {
    expect(errorOf({ GRAPHQL_INTROSPECTION: 'maybe' }).message).toBe(
      'GRAPHQL_INTROSPECTION=maybe is not valid: use true or false (or 1/0, yes/no, on/off)',
    );
  });
  it('accepts on and 0', () => {
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'on', DATABASE_PREPARED_STATEMENTS: '0' })).toMatchObject({
      graphqlIntrospection: true,
      databasePreparedStatements: false,
    });
  });
});

describe('URL', () => {
  it('DATABASE_URL with another scheme, its password hidden', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://root:secret@db/x' }).message).toBe(
      'DATABASE_URL=mysql://root:***@db/x is not valid: use a postgresql:// or postgres:// URL',
    );
  });
  it('REDIS_URL that is not a URL', () => {
    expect(errorOf({ REDIS_URL: 'localhost:6379' }).message).toBe(
      'REDIS_URL=localhost:6379 is not valid: use a redis:// or rediss:// URL',
    );
  });
  it('CORS_ORIGINS entry that is not an origin', () => {
    expect(errorOf({ CORS_ORIGINS: 'https://ok.example, app.example' }).message).toBe(
      'CORS_ORIGINS=app.example is not valid: use * or comma-separated origins like https://app.example.com',
    );
  });
  it('accepts PostgreSQL and Redis URLs and origins', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
        REDIS_URL: 'rediss://cache:6380',
        CORS_ORIGINS: 'https://a.example,http://localhost:5173,*',
      }),
    ).toMatchObject({
      redisUrl: 'rediss://cache:6380',
      corsOrigins: ['https://a.example', 'http://localhost:5173', '*'],
    });
  });
});

describe('path', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'interactions-config-'));
    writeFileSync(path.join(dir, 'file'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['DATA_DIR', 'ARCHIVE_DIR'])('%s naming a file', (name) => {
    const file = path.join(dir, 'file');
    expect(errorOf({ [name]: file }).message).toBe(`${name}=${file} is not valid: use a directory (${file} is a file)`);
  });
  it('resolves a directory that does not exist yet', () => {
    expect(loadConfig({ DATA_DIR: path.join(dir, 'new') }).dataDir).toBe(path.join(dir, 'new'));
  });
});

it('a signing key file that cannot be made stops the start with one line naming INTEGRITY_KEY_FILE', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-key-file-'));
  try {
    const failure = startService({ DATA_DIR: dataDir, INTEGRITY_KEY_FILE: '/dev/null/integrity-key.pem' }, 120_000);
    await expect(failure).rejects.toThrow(
      /\nINTEGRITY_KEY_FILE=\/dev\/null\/integrity-key\.pem is not valid: the signing key cannot be read or made there \(ENOTDIR\): point it at a writable file, or set CHECKPOINT_SECONDS=0 to turn sealing off\n$/,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('the real service refuses WEB_CONCURRENCY=2 on the embedded database: exit 1, one line, nothing forked', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'interactions-web-concurrency-'));
  try {
    const failure = startService({ DATA_DIR: dataDir, WEB_CONCURRENCY: '2' }, 60_000);
    await expect(failure).rejects.toThrow(
      /^service did not start \(exit 1\):\n\nWEB_CONCURRENCY=2 is not valid: several worker processes need PostgreSQL \(DATABASE_URL\); the embedded database admits one process: use 1\n$/,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('the real service exits 1 with the one line on stderr', async () => {
  const failure = startService({ LOG_LEVEL: 'loud' }, 60_000);
  await expect(failure).rejects.toThrow(
    /^service did not start \(exit 1\):\n\nLOG_LEVEL=loud is not valid: use one of fatal, error, warn, info, debug, trace, silent\n$/,
  );
});
