#!/usr/bin/env node
// `npm test`: builds the workspace and the dashboard (the e2e tier runs the built services), then runs the three
// Jest tiers (unit, int, e2e) and prints a closing "N passed, N failed[, N skipped]" line.
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--build', join(root, 'tsconfig.build.json')], { stdio: 'inherit', env, cwd: root });
const assets = build.status === 0 ? spawnSync(process.execPath, [join(root, 'tools', 'copy-assets.cjs')], { stdio: 'inherit', env, cwd: root }) : build;
// The dashboard (apps/dashboard → apps/dashboard/dist, served by the gateway; the browser tests load it).
const dashboard = assets.status === 0 ? spawnSync(process.execPath, [join(root, 'tools', 'build-dashboard.cjs')], { stdio: 'inherit', env, cwd: root }) : assets;
if (build.status !== 0 || assets.status !== 0 || dashboard.status !== 0) {
  console.log('0 passed, 1 failed');
  console.error('build failed');
  process.exit(1);
}
// Test files are compiled by SWC (types stripped): type-check them, with everything they import, here.
const specTypes = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.specs.json')], { stdio: 'inherit', env, cwd: root });
// The dashboard's specs have their own program (DOM library, JSX; left out of tsconfig.specs.json).
const dashboardSpecTypes = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'apps', 'dashboard', 'tsconfig.spec.json')], { stdio: 'inherit', env, cwd: root });
const specTypesFailed = specTypes.status !== 0 || dashboardSpecTypes.status !== 0 ? 1 : 0;
if (specTypesFailed) console.error('type errors in test files (see above)');
// Architecture rules (Nx module boundaries by scope and layer tags): the rule needs the project graph.
spawnSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { stdio: 'ignore', env: { ...env, CI: 'true' }, cwd: root });
const lint = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], { stdio: 'inherit', env, cwd: root });
const lintFailed = lint.status !== 0 ? 1 : 0;
if (lintFailed) console.error('lint failed (see above)');
const results = join(root, '.jest-results.json');
rmSync(results, { force: true });
const args = [require.resolve('jest/bin/jest'), '-c', join(root, 'jest.config.cjs'), '--ci', '--json', `--outputFile=${results}`, ...process.argv.slice(2)];
const jest = spawnSync(process.execPath, args, { stdio: 'inherit', env, cwd: root });
let summary;
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const failedSuites = r.numFailedTestSuites ?? 0;
  summary = { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0), skipped: r.numPendingTests + (r.numTodoTests ?? 0), failedSuites };
} catch {
  summary = null;
}
if (!summary) {
  console.log('0 passed, 1 failed');
  process.exit(jest.status || 1);
}
// Lint and the test files' type check count as one check each.
const checksFailed = lintFailed + specTypesFailed;
console.log(`${summary.passed + (2 - checksFailed)} passed, ${summary.failed + checksFailed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`);
process.exit(checksFailed ? 1 : (jest.status ?? 1));
