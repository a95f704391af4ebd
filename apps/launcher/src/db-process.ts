/**
 * Child process of `npm start` that owns the embedded PostgreSQL server. It reports
 * {type: 'ready', url} over IPC once the server accepts connections, restarts the server when its
 * process ends unexpectedly (db-supervisor.ts), and stops it when told to (SIGTERM) or when the
 * launcher goes away (IPC disconnect).
 */
import { loadConfig, Logger } from '@datamingle/platform';
import { ServerSupervisor } from './db-supervisor';
import { EmbeddedServer } from './embedded-db';

let stopping = false;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('embedded-postgres', config.logLevel);
  const server = await EmbeddedServer.create(config.dataDir, config.embeddedPostgresPort, () => undefined, config.embeddedPostgresSettings);
  let supervisor: ServerSupervisor | null = null;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await (supervisor ?? server).stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  const run = await server.open();
  supervisor = new ServerSupervisor(server, logger);
  supervisor.supervise(run);
  process.send?.({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  if (stopping) return; // stop() exits
  process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
