#!/usr/bin/env node
// Part of the build (`npm run build`, and `npm test`, which builds first): the dashboard
// (apps/dashboard), a React single-page app, type-checked with its own tsconfig (DOM library,
// react-jsx; incremental) and bundled by Vite into apps/dashboard/dist, which the gateway serves
// under /dashboard/ (apps/gateway/src/dashboard-site.ts). Offline: Vite and the app's packages
// are dev dependencies already installed.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const app = join(root, 'apps', 'dashboard');
const steps = [
  ['type-check', [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', join(app, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', join(app, 'dist-types.tsbuildinfo')]],
  ['vite build', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(app, 'vite.config.mts')]],
];
for (const [name, args] of steps) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    console.error(`dashboard ${name} failed (apps/dashboard)`);
    process.exit(r.status || 1);
  }
}
