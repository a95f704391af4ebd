/**
 * Child process of `npm start` that owns the embedded PostgreSQL server. It reports
 * {type: 'ready', url} over IPC, and stops the server when told to (SIGTERM) or when the
 * launcher goes away (IPC disconnect).
 */
import { loadConfig } from '@datamingle/platform';
import { startEmbeddedPostgres } from './embedded-db';

async function main(): Promise<void> {
  const config = loadConfig();
  const log: string[] = [];
  const db = await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, (line) => {
    log.push(line);
    if (log.length > 200) log.shift();
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await db.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready', url: db.url });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
