/**
 * A gateway's cache of key state (what `findKeyByHash` reads: the key, its tenant, its partner
 * and the versions of the partner's active mappings), kept correct across every gateway
 * instance as auth-and-keys.md §4.4 demands: no request is authorized with key state older than
 * the last committed change once the admin operation that made it has returned.
 *
 * How (migration GatewayKeyStateCache1765600000000):
 * - Every committed change of key state bumps `gateway.key_state.seq` in its transaction (a
 *   statement trigger on api_keys, tenants, partners and mappings) and NOTIFYs the seq.
 * - Each gateway LISTENs on one dedicated connection. A notification empties its cache (changes
 *   are rare; entries are re-read on the next request) and is acknowledged at once in its row of
 *   `gateway.gateway_instances` (`acked`), written on that same connection with a heartbeat every
 *   second.
 * - The writer (every audited admin transaction: {@link awaitKeyStatePropagation}, called by
 *   `inTransaction` after COMMIT) returns only when every live gateway acknowledged its seq. A
 *   gateway whose heartbeat is older than {@link INSTANCE_LEASE_MS} is not waited for: it stopped
 *   trusting its cache {@link TRUST_MS} after its last heartbeat began, before the writer gives up
 *   on it (`TRUST_MS < INSTANCE_LEASE_MS`, with room for the heartbeat's own duration).
 * - A look-up that began before a flush never fills the cache after it (a generation counter), so
 *   a value read before a change cannot outlive the change's notification.
 * - Without its LISTEN connection (not yet connected, lost, or heartbeats failing) the cache is not
 *   used at all: every request reads the database, as without a cache.
 *
 * Cost: nothing per request on a hit; one heartbeat statement per second per gateway; an admin
 * change waits for the acknowledgements (milliseconds while every gateway is up; at most the
 * lease after a gateway died without deregistering).
 */
import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { KeyRecord } from '@datamingle/gateway-domain';
import { LruCache } from '@datamingle/kernel';
import { poolOf } from '@datamingle/read-model';
import type { Queryable } from './audit-sql';

/** The LISTEN channel of key-state changes (the migration's trigger NOTIFYs on it). */
export const KEY_STATE_CHANNEL = 'gateway_key_state';
/** A gateway uses its cache for at most this long after its last successful heartbeat began. */
export const TRUST_MS = 3_000;
/** A gateway whose heartbeat is older than this is not waited for by writers (it trusts its cache no longer). */
export const INSTANCE_LEASE_MS = 5_000;
const HEARTBEAT_MS = 1_000;
const RECONNECT_MS = 1_000;

export interface KeyStateCacheOptions {
  /** Keys held at most (least recently used first out). */
  entries: number;
  /** The dedicated LISTEN connection (default: a pg.Client with the pool's settings). */
  createClient?: () => Client;
  /** Monotonic milliseconds (injectable for tests). */
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class KeyStateCache {
  readonly instanceId = randomUUID();
  private cache: LruCache<KeyRecord>;
  private generation = 0;
  private trustedUntil = 0;
  private client: Client | null = null;
  private acked = 0n;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private beats = 0;
  private readonly now: () => number;
  private readonly createClient: () => Client;
  private readonly onError: (error: unknown) => void;
  /** Hits and misses since start (for tests and metrics). */
  readonly counts = { hits: 0, misses: 0, bypassed: 0, flushes: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly options: KeyStateCacheOptions,
  ) {
    this.cache = new LruCache(options.entries);
    this.now = options.now ?? (() => performance.now());
    this.createClient = options.createClient ?? (() => new Client(pool.options));
    this.onError = options.onError ?? (() => undefined);
  }

  /** Connects the LISTEN connection and registers this gateway; the cache is used once that succeeded. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the cache is used now (connected and heartbeats current). */
  get trusted(): boolean {
    return this.client !== null && this.now() < this.trustedUntil;
  }

  /** The key of `hash`: from the cache while it is trusted, else `load()` (whose answer fills the cache if no change arrived meanwhile). */
  async lookup(hash: string, load: () => Promise<KeyRecord | null>): Promise<KeyRecord | null> {
    if (!this.trusted) {
      this.counts.bypassed++;
      return load();
    }
    const hit = this.cache.get(hash);
    if (hit !== undefined) {
      this.counts.hits++;
      return hit;
    }
    this.counts.misses++;
    const generation = this.generation;
    const loaded = await load();
    // Unknown keys are not cached: a key created later must work at once without a notification round.
    if (loaded !== null && generation === this.generation && this.trusted) this.cache.set(hash, loaded);
    return loaded;
  }

  /** Deregisters this gateway (writers stop waiting for it) and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnect) clearTimeout(this.reconnect);
    this.flush();
    const client = this.client;
    this.client = null;
    this.trustedUntil = 0;
    if (client) {
      await this.writing.catch(() => undefined);
      await client.query(`DELETE FROM gateway.gateway_instances WHERE id = $1`, [this.instanceId]).catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  private flush(): void {
    this.generation++;
    this.counts.flushes++;
    this.cache = new LruCache(this.options.entries);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = this.createClient();
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== KEY_STATE_CHANNEL || this.client !== client) return;
      this.advance(client, BigInt(message.payload || '0'));
    });
    try {
      await client.connect();
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      // Notifications are handled from here on; the cache is trusted only after the first heartbeat.
      this.client = client;
      await client.query(`LISTEN ${KEY_STATE_CHANNEL}`);
      // Changes committed before LISTEN took effect were not announced: start empty, and
      // acknowledge the last committed seq (a seq becomes visible only once committed).
      this.flush();
      const { rows } = await client.query<{ seq: string }>(`SELECT seq FROM gateway.key_state WHERE id = 1`);
      const committed = BigInt(rows[0]?.seq ?? '0');
      if (committed > this.acked) this.acked = committed;
      await client.query(
        `INSERT INTO gateway.gateway_instances (id, acked) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET acked = GREATEST(gateway.gateway_instances.acked, EXCLUDED.acked), heartbeat_at = clock_timestamp()`,
        [this.instanceId, this.acked.toString()],
      );
      this.heartbeat ??= setInterval(() => void this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
      await this.beat();
    } catch (error) {
      if (this.client === client) this.lost(client, error);
      else {
        this.onError(error);
        await client.end().catch(() => undefined);
        this.scheduleReconnect();
      }
    }
  }

  /** A change of key state up to `seq` committed: empty the cache first, then acknowledge (an acknowledged seq is never served from an older cache). */
  private advance(client: Client, seq: bigint): void {
    if (seq <= this.acked) return;
    this.flush();
    this.acked = seq;
    this.write(client).catch(() => undefined);
  }

  /**
   * One heartbeat: while it succeeds the cache is trusted for TRUST_MS from when it began. It
   * also reads the last committed seq, so a notification that never arrived is made up for
   * within a heartbeat.
   */
  private async beat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const began = this.now();
    try {
      const committed = await this.write(client, true);
      if (this.client !== client) return;
      if (committed > this.acked) this.advance(client, committed);
      this.trustedUntil = Math.max(this.trustedUntil, began + TRUST_MS);
    } catch {
      // write() reported it and dropped the connection
    }
  }

  /**
   * Writes the acknowledgement (and the heartbeat) on the LISTEN connection, one statement at a
   * time; resolves the last committed seq.
   */
  private write(client: Client, heartbeat = false): Promise<bigint> {
    const run = this.writing.then(async () => {
      if (this.client !== client) throw new Error('connection replaced');
      const acked = this.acked.toString();
      const result = await client.query<{ seq: string }>(
        `UPDATE gateway.gateway_instances SET acked = GREATEST(acked, $2::bigint), heartbeat_at = clock_timestamp() WHERE id = $1
         RETURNING (SELECT seq FROM gateway.key_state WHERE id = 1) AS seq`,
        [this.instanceId, acked],
      );
      // Removed as stale by the clean-up: register again.
      if (result.rowCount === 0) {
        await client.query(`INSERT INTO gateway.gateway_instances (id, acked) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [this.instanceId, acked]);
      }
      if (heartbeat && ++this.beats % 600 === 1) await client.query(`DELETE FROM gateway.gateway_instances WHERE heartbeat_at < clock_timestamp() - interval '1 day'`);
      return BigInt(result.rows[0]?.seq ?? '0');
    });
    this.writing = run.then(
      () => undefined,
      (error) => this.lost(client, error),
    );
    return run;
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    if (error !== undefined && !this.stopped) this.onError(error);
    this.client = null;
    this.trustedUntil = 0;
    this.flush();
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.connect();
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}

/**
 * After a transaction that changed key state committed: waits until every live gateway
 * acknowledged the change (its cache no longer holds the state before it). `seq` is the
 * transaction's own (`datamingle.key_state_seq`, read before COMMIT); gateways whose heartbeat
 * is older than INSTANCE_LEASE_MS are not waited for.
 */
export async function awaitKeyStatePropagation(q: Queryable, seq: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  let pause = 2;
  const deadline = Date.now() + INSTANCE_LEASE_MS + 2_000;
  while (Date.now() < deadline) {
    const { rows } = await q.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM gateway.gateway_instances
        WHERE acked < $1::bigint AND heartbeat_at > clock_timestamp() - make_interval(secs => $2::double precision / 1000)`,
      [seq, INSTANCE_LEASE_MS],
    );
    if (rows[0]!.n === 0) return;
    await sleep(pause);
    pause = Math.min(pause * 2, 50);
  }
}

/** The key-state seq this transaction set (its last key-state change), or null when it changed none. */
export async function keyStateSeqOfTransaction(q: Queryable): Promise<string | null> {
  const { rows } = await q.query<{ seq: string | null }>(`SELECT nullif(current_setting('datamingle.key_state_seq', true), '') AS seq`);
  return rows[0]?.seq ?? null;
}

/** The cache of a gateway on its read-model data source (its pool's settings for the LISTEN connection). */
export function createKeyStateCache(ds: DataSource, options: KeyStateCacheOptions): KeyStateCache {
  return new KeyStateCache(poolOf(ds), options);
}
