/**
 * `npm start`: the whole platform on one machine. Starts the embedded PostgreSQL server (unless
 * DATABASE_URL is set), applies migrations, starts every service and the gateway as child
 * processes, restarts a child that crashes, and on SIGTERM/SIGINT stops everything and exits 0.
 * The embedded server is supervised by db-process.ts (restarted when its process dies), which is
 * itself restarted here if it dies.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@datamingle/contracts';
import { ConfigError, loadConfig, Logger } from '@datamingle/platform';
import { isAlive, runningEmbeddedPort, runningEmbeddedServer } from './embedded-db';
import { migrateAll } from './migrate';

const root = join(__dirname, '..', '..', '..');
/** The processes it starts, in order: every service of the resource registry (callees first), then the gateway. */
const SERVICES = [...SERVICE_NAMES, 'gateway'] as const;
type ServiceName = (typeof SERVICES)[number];

interface Supervised {
  name: ServiceName;
  child: ChildProcess | null;
  restarts: number;
  startedAt: number;
}

/** A child that ran this long was healthy: its restart delay starts over. */
const STABLE_MS = 60_000;
const restartDelay = (restarts: number) => Math.min(5_000, 250 * 2 ** Math.min(restarts, 5));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the embedded PostgreSQL server's supervisor process (db-process.ts); resolves once the server accepts connections. */
async function startEmbeddedDatabase(logger: Logger): Promise<{ url: string; child: ChildProcess }> {
  // stdout: its JSON log lines (the server's restarts).
  const child = fork(join(__dirname, 'db-process.js'), [], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { type: string; url?: string; message?: string }) =>
        m.type === 'ready' && m.url ? resolve(m.url) : reject(new Error(`embedded PostgreSQL failed to start: ${m.message}`)),
      );
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited during start (code ${code})`)));
    });
    logger.debug('embedded PostgreSQL started', { pid: child.pid });
    return { url, child };
  } catch (error) {
    await stopChild(child, 5_000);
    throw error;
  }
}

/**
 * The embedded server of DATA_DIR that no supervisor process owns any more (its db-process was
 * killed): stopped the way `pg_ctl stop -m fast` does (SIGINT to the pid in postmaster.pid), then
 * SIGQUIT (immediate shutdown) if it is still there after 10 s.
 */
async function stopStrayServer(dataDir: string, logger: Logger, fastMs = 10_000): Promise<void> {
  const stray = runningEmbeddedServer(dataDir);
  if (!stray) return;
  logger.warn('stopping the embedded PostgreSQL server left without its supervisor', { pid: stray.pid });
  for (const [signal, waitMs] of [['SIGINT', fastMs], ['SIGQUIT', 5_000]] as const) {
    try {
      process.kill(stray.pid, signal);
    } catch {
      return; // gone
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isAlive(stray.pid)) return;
      await sleep(100);
    }
  }
}

function spawnService(s: Supervised, env: NodeJS.ProcessEnv, logger: Logger, onExit: (s: Supervised, code: number | null) => void): void {
  const child = fork(join(root, 'apps', s.name, 'dist', 'main.js'), [], { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  s.child = child;
  s.startedAt = Date.now();
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
  let dbChild: ChildProcess | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const running = runningEmbeddedPort(config.dataDir);
    if (running !== null) {
      throw new Error(
        `the embedded PostgreSQL server for DATA_DIR=${config.dataDir} is already running on port ${running} (is another 'npm start' running?)`,
      );
    }
    logger.info('starting embedded PostgreSQL', { data_dir: config.dataDir, port: config.embeddedPostgresPort });
    ({ url, child: dbChild } = await startEmbeddedDatabase(logger));
  }
  const applied = await migrateAll(url, config);
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied });

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LISTEN_HOST: process.env['LISTEN_HOST'] ?? '127.0.0.1' };
  let shuttingDown = false;
  const supervised: Supervised[] = SERVICES.map((name) => ({ name, child: null, restarts: 0, startedAt: 0 }));
  const onExit = (s: Supervised, code: number | null) => {
    if (shuttingDown) return;
    if (Date.now() - s.startedAt >= STABLE_MS) s.restarts = 0;
    s.restarts += 1;
    const delay = restartDelay(s.restarts);
    logger.warn('service exited; restarting', { service: s.name, code, restart_in_ms: delay });
    setTimeout(() => {
      if (!shuttingDown) spawnService(s, env, logger, onExit);
    }, delay);
  };
  for (const s of supervised) spawnService(s, env, logger, onExit);

  // db-process restarts the server itself; if db-process dies (killed), the server it leaves
  // behind is stopped and a new db-process starts it again, on the same port.
  const superviseDb = (child: ChildProcess) => {
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (shuttingDown || dbChild !== child) return;
      dbChild = null;
      logger.error('the embedded PostgreSQL supervisor process exited unexpectedly; restarting it', { code, signal });
      void restartDb(Date.now() - startedAt >= STABLE_MS);
    });
  };
  let dbRestarts = 0;
  const restartDb = async (stable: boolean) => {
    if (stable) dbRestarts = 0;
    while (!shuttingDown) {
      dbRestarts += 1;
      await sleep(restartDelay(dbRestarts));
      if (shuttingDown) return;
      try {
        await stopStrayServer(config.dataDir, logger);
        if (shuttingDown) return;
        const next = await startEmbeddedDatabase(logger);
        if (shuttingDown) {
          await stopChild(next.child, 5_000);
          return;
        }
        dbChild = next.child;
        superviseDb(next.child);
        logger.warn('embedded PostgreSQL supervisor process restarted', { pid: next.child.pid });
        return;
      } catch (error) {
        logger.warn('embedded PostgreSQL did not start; retrying', { reason: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  if (dbChild) superviseDb(dbChild);

  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('stopping');
    await Promise.all(supervised.map((s) => stopChild(s.child, 8_000)));
    await stopChild(dbChild, 5_000);
    // A server whose db-process was killed (or is being replaced) must not outlive `npm start`.
    if (!config.databaseUrl) await stopStrayServer(config.dataDir, logger, 1_500);
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
      'Create a tenant and its first admin (the password on stdin):',
      '  npm run -s admin -- tenant create acme',
      "  printf '%s' \"$PASSWORD\" | npm run -s admin -- user create --tenant acme --email ops@acme.example --password-stdin",
      '',
      `Then sign in at ${base}/dashboard/ and create an API key there (API Keys → Create key),`,
      'or with the CLI:',
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
