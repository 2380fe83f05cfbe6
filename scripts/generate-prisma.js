#!/usr/bin/env node
// Generates the Prisma client into src/generated/prisma without the schema engine binary, which cannot be
// downloaded here: the driver-adapter client is engine-free, and `prisma generate` only needs the variable
// to point at an existing file. Skips the work when the schema has not changed since the last generate.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const schema = path.join(root, 'prisma', 'schema.prisma');
const stamp = path.join(root, 'src', 'generated', 'prisma', '.schema-hash');
const hash = createHash('sha256').update(readFileSync(schema)).digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && !process.argv.includes('--force')) {
  process.exit(0);
}
let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  // `npm ci --omit=dev` leaves the Prisma CLI out: the client must have been generated before (`npm run build`).
  console.error('The Prisma client is not generated and the Prisma CLI (a development package) is not installed:');
  console.error('run `npm ci && npm run build` first, then `npm ci --omit=dev` (docs/deployment.md).');
  process.exit(1);
}
execFileSync(process.execPath, [cli, 'generate', '--schema', schema], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || schema,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
writeFileSync(stamp, hash);
