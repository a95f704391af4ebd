/**
 * `npm start`: the whole platform on one machine. Starts the embedded PostgreSQL server (unless
 * DATABASE_URL is set), applies migrations, starts every service and the gateway as child
 * processes, restarts a child that crashes, and on SIGTERM/SIGINT stops everything and exits 0.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig, Logger, type PlatformConfig } from '@datamingle/platform';
import { runningEmbeddedPort } from './embedded-db';
import { migrateAll } from './migrate';

const root = join(__dirname, '..', '..', '..');
const SERVICES = ['catalog', 'orders', 'inventory', 'gateway'] as const;
type ServiceName = (typeof SERVICES)[number];

interface Supervised {
  name: ServiceName;
  child: ChildProcess | null;
  restarts: number;
}

async function startDatabase(config: PlatformConfig, logger: Logger): Promise<{ url: string; child: ChildProcess | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, child: null };
  const running = runningEmbeddedPort(config.dataDir);
  if (running !== null) {
    throw new Error(
      `the embedded PostgreSQL server for DATA_DIR=${config.dataDir} is already running on port ${running} (is another 'npm start' running?)`,
    );
  }
  logger.info('starting embedded PostgreSQL', { data_dir: config.dataDir, port: config.embeddedPostgresPort });
  const child = fork(join(__dirname, 'db-process.js'), [], { detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { type: string; url?: string; message?: string }) =>
      m.type === 'ready' && m.url ? resolve(m.url) : reject(new Error(`embedded PostgreSQL failed to start: ${m.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited during start (code ${code})`)));
  });
  return { url, child };
}

function spawnService(s: Supervised, env: NodeJS.ProcessEnv, logger: Logger, onExit: (s: Supervised, code: number | null) => void): void {
  const child = fork(join(root, 'apps', s.name, 'dist', 'main.js'), [], { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  s.child = child;
  child.once('exit', (code) => {
    if (s.child === child) s.child = null;
    onExit(s, code);
  });
  logger.debug('service started', { service: s.name, pid: child.pid });
}

function stopChild(child: ChildProcess | null, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('launcher', config.logLevel);
  const db = await startDatabase(config, logger);
  const applied = await migrateAll(db.url, config);
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied });

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, LISTEN_HOST: process.env['LISTEN_HOST'] ?? '127.0.0.1' };
  let shuttingDown = false;
  const supervised: Supervised[] = SERVICES.map((name) => ({ name, child: null, restarts: 0 }));
  const onExit = (s: Supervised, code: number | null) => {
    if (shuttingDown) return;
    s.restarts += 1;
    const delay = Math.min(5_000, 250 * 2 ** Math.min(s.restarts, 5));
    logger.warn('service exited; restarting', { service: s.name, code, restart_in_ms: delay });
    setTimeout(() => {
      if (!shuttingDown) spawnService(s, env, logger, onExit);
    }, delay);
  };
  for (const s of supervised) spawnService(s, env, logger, onExit);
  db.child?.once('exit', (code) => {
    if (!shuttingDown) {
      logger.error('embedded PostgreSQL stopped unexpectedly', { code });
      void shutdown(1);
    }
  });

  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('stopping');
    await Promise.all(supervised.map((s) => stopChild(s.child, 8_000)));
    await stopChild(db.child, 5_000);
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  if (!(await waitReady(config.gatewayPort, 60_000))) {
    logger.error('the gateway did not become ready within 60 s');
    await shutdown(1);
    return;
  }
  const base = `http://acme.${config.baseDomain}${config.gatewayPort === 80 ? '' : `:${config.gatewayPort}`}`;
  process.stdout.write(
    [
      '',
      `Datamingle is running. Gateway: http://localhost:${config.gatewayPort} (tenant hosts: http://<tenant>.${config.baseDomain}:${config.gatewayPort})`,
      '',
      'Create a tenant and an API key:',
      '  npm run -s admin -- tenant create acme',
      '  npm run -s admin -- key create --tenant acme --name "staging integration"',
      '',
      `Then: curl -H "X-API-Key: <key>" ${base}/api/integrations/v1/orders/`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`datamingle: ${message}\n`);
  process.exit(1);
});
