#!/usr/bin/env node
// `npm run -s admin -- ...`: builds the workspace once if it has not been built, then runs the CLI.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'apps', 'launcher', 'dist', 'admin.js');
if (!existsSync(entry)) {
  process.stderr.write('admin: building the workspace first (one time)...\n');
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--build', join(__dirname, '..', 'tsconfig.build.json')], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
require(entry);
