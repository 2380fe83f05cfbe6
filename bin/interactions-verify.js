#!/usr/bin/env node
// `npx interactions-verify`: the offline verifier (src/integrity/verify.cli.ts), run from dist/ as `npm start` runs
// the service. In a checkout, dist/ is first brought up to date with the sources (a few stat() calls when it is), so
// a changed verifier is never run from a stale build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const build = path.join(root, 'scripts', 'build-server.js');
if (fs.existsSync(path.join(root, 'src')) && fs.existsSync(build)) {
  execFileSync(process.execPath, [build], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
require(path.join(root, 'dist', 'integrity', 'verify.cli.js'));
