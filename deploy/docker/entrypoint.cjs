#!/usr/bin/env node
// Entry point of the runtime image: `docker run IMAGE <role> [args]`.
//
//   gateway | orders | catalog | inventory   one process of the platform
//   migrate                                  applies pending migrations and exits (admin.js migrate)
//   admin <command...>                       any admin CLI command (tenant, key, projections ...)
//
// The role's script runs in this process (no child process), so signals reach it directly;
// tini (PID 1) forwards them.
'use strict';
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const ROLES = {
  gateway: ['apps/gateway/dist/main.js'],
  orders: ['apps/orders/dist/main.js'],
  catalog: ['apps/catalog/dist/main.js'],
  inventory: ['apps/inventory/dist/main.js'],
  migrate: ['apps/launcher/dist/admin.js', 'migrate'],
  admin: ['apps/launcher/dist/admin.js'],
};

const [role, ...rest] = process.argv.slice(2);
const target = role === undefined ? undefined : ROLES[role];
if (!target) {
  process.stderr.write(`entrypoint: unknown role '${role ?? ''}'; expected one of ${Object.keys(ROLES).join(', ')}\n`);
  process.exit(2);
}
// The image does not carry the embedded PostgreSQL of `npm start`: an external server is required.
if (!process.env.DATABASE_URL || !process.env.DATABASE_URL.trim()) {
  process.stderr.write(`${role}: Invalid configuration: DATABASE_URL: required in the container image (the embedded PostgreSQL of \`npm start\` is not included)\n`);
  process.exit(1);
}
const [script, ...fixedArgs] = target;
process.argv = [process.argv[0], join(ROOT, script), ...fixedArgs, ...rest];
process.title = `datamingle-${role}`;
require(join(ROOT, script));
