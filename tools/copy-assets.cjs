#!/usr/bin/env node
// Part of the build (after tsc): browser assets the processes serve, copied from packages that are
// only build-time dependencies, so the production install (and the image) carries the file but not
// the package with its peers. Today: Scalar's API reference bundle, served by the gateway at
// /docs/scalar.js (apps/gateway/dist/assets/scalar-standalone.js).
const { copyFileSync, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const assets = [
  {
    from: require.resolve('@scalar/api-reference/browser/standalone.js', { paths: [root] }),
    to: join(root, 'apps', 'gateway', 'dist', 'assets', 'scalar-standalone.js'),
  },
];
for (const { from, to } of assets) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
