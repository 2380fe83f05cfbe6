#!/usr/bin/env node
// `npx interactions-verify`: the offline verifier (src/integrity/verify.cli.ts), built (dist) or from source.
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'integrity', 'verify.cli.js');
if (fs.existsSync(built)) {
  require(built);
} else {
  require('ts-node/register/transpile-only');
  require(path.join(__dirname, '..', 'src', 'integrity', 'verify.cli.ts'));
}
