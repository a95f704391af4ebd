/**
 * Example ERP-side sync client: follows the integration API's change feed
 * (`GET /api/integrations/v1/changes/`) into an append-only "ERP table", exactly once across its
 * own crashes (see erp-table.ts and the README).
 *
 *   DATAMINGLE_URL=http://localhost:8080 DATAMINGLE_HOST=acme.localhost:8080 DATAMINGLE_API_KEY=sk_live_… \
 *   SYNC_STATE_FILE=erp-sync.state.json SYNC_OUTPUT_FILE=erp-table.jsonl \
 *   node examples/erp-change-sync/dist/main.js
 *
 * Optional: SYNC_RESOURCES (e.g. `orders,products`), SYNC_WAIT_SECONDS (0–30, default 10),
 * SYNC_LIMIT (1–1000). SIGTERM / SIGINT stop it after the page being applied.
 */
import { ChangeFeedClient, type FeedClientOptions } from './feed-client';
import { ErpTable } from './erp-table';
import { runSync } from './sync';

export interface SyncConfig {
  feed: FeedClientOptions;
  stateFile: string;
  outputFile: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got '${raw}')`);
  return Number(raw);
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** The configuration from the environment; throws with the variable's name when one is missing or invalid. */
export function configFromEnv(env: NodeJS.ProcessEnv): SyncConfig {
  const resources = (env['SYNC_RESOURCES'] ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const limit = integer(env, 'SYNC_LIMIT', 1, 1000);
  const host = env['DATAMINGLE_HOST'];
  return {
    feed: {
      baseUrl: required(env, 'DATAMINGLE_URL'),
      apiKey: required(env, 'DATAMINGLE_API_KEY'),
      waitSeconds: integer(env, 'SYNC_WAIT_SECONDS', 0, 30) ?? 10,
      ...(host ? { host } : {}),
      ...(resources.length > 0 ? { resources } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
    stateFile: required(env, 'SYNC_STATE_FILE'),
    outputFile: required(env, 'SYNC_OUTPUT_FILE'),
  };
}

const log = (line: string) => process.stdout.write(`erp-change-sync: ${line}\n`);

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const table = ErpTable.open(config.outputFile, config.stateFile);
  const { appliedPastCursor, truncatedBytes } = table.recovery;
  log(`starting ${table.cursor === undefined ? "at the tenant's first change" : `after cursor ${table.cursor}`}`);
  if (truncatedBytes > 0) log(`cut off an unfinished last line (${truncatedBytes} bytes) of ${config.outputFile}`);
  if (appliedPastCursor > 0) log(`recovering: ${appliedPastCursor} changes were applied past the stored cursor; they will be skipped, not applied again`);

  const client = new ChangeFeedClient(config.feed);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    log(`${signal}: stopping after the current page`);
    stop.abort(new Error(signal));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const totals = await runSync({ client, table, stop: stop.signal, log, idleDelayMs: config.feed.waitSeconds === 0 ? 1000 : 0 });
    log(`stopped: ${totals.applied} changes applied in ${totals.pages} pages${totals.skipped ? `, ${totals.skipped} skipped as already applied` : ''}; cursor ${table.cursor ?? '(none)'}`);
  } finally {
    client.close();
    table.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`erp-change-sync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
