/**
 * The integration log's storage (integration-logs.md) in gateway.integration_logs, a table
 * partitioned by UTC day of created_at (migration GatewayIntegrationLogs1765400000000):
 *
 * - {@link IntegrationLogStore.insertIntegrationLogs}: one prepared INSERT per batch, its rows
 *   unnested from one array parameter per column. Payloads
 *   arrive as JSON text and are never parsed in Node: PostgreSQL checks them
 *   (`pg_input_is_valid(text, 'json')`) and stores the JSON value, or the text as a JSON string.
 * - the admin reads: a keyset page of summaries (no payloads) and one whole entry as JSON text
 *   composed by PostgreSQL around the stored json values.
 * - {@link IntegrationLogMaintenance}: partitions created ahead and the daily purge (retention per
 *   tenant), one gateway at a time.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { auditEvent, CLI_AUDIT, type AuditContext, type IntegrationLogEntry, type IntegrationLogFilters, type IntegrationLogSummary, type LoggedPayload, type Page, type PageRequest } from '@datamingle/gateway-domain';
import { uuidV7At } from '@datamingle/event-store';
import { poolOf } from '@datamingle/read-model';
import { inTransaction, insertAuditEvent } from './audit-sql';

const DAY_MS = 86_400_000;

/** The default (and least) retention of a tenant's entries, in days (integration-logs.md §4). */
export const DEFAULT_LOG_RETENTION_DAYS = 90;
/** The most a tenant's retention may be set to (the column's check). */
export const MAX_LOG_RETENTION_DAYS = 3650;

/**
 * An entry's id is a UUIDv7 whose 48-bit timestamp is its created_at: the id names the partition
 * its item look-up reads (event-store's uuidV7At, re-exported for the log's callers and tests).
 */
export { uuidV7At };

/** The millisecond timestamp of a UUIDv7, or null for any other UUID. */
export function uuidV7Time(id: string): number | null {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || hex[12] !== '7') return null;
  return parseInt(hex.slice(0, 12), 16);
}

/** PostgreSQL text cannot hold U+0000: it becomes U+FFFD in the text columns. */
const cleanText = (s: string): string => (s.includes('\u0000') ? s.replace(/\u0000/g, '\uFFFD') : s);
const cleanOrNull = (s: string | null): string | null => (s === null ? null : cleanText(s));

type PayloadKind = 'json' | 'maybeJson' | 'text' | 'objectOrNull';

/**
 * A payload as a parameter and its kind for gateway.integration_log_json (the migration): JSON
 * text is checked by PostgreSQL, never parsed here. Text holding U+0000 cannot be a PostgreSQL
 * text parameter; it is no valid JSON text either (a raw U+0000 is not allowed in JSON), so it is
 * stored as a JSON string escaped here (or NULL for objectOrNull).
 */
function payloadParam(p: LoggedPayload | null): { kind: PayloadKind; value: string } | null {
  if (p === null || typeof p !== 'object') return null;
  const kind: PayloadKind = 'json' in p ? 'json' : 'maybeJson' in p ? 'maybeJson' : 'text' in p ? 'text' : 'objectOrNull';
  const text = (p as Record<string, unknown>)[kind];
  if (typeof text !== 'string') return null;
  if (text.includes('\u0000')) return kind === 'objectOrNull' ? null : { kind: 'json', value: JSON.stringify(text) };
  return { kind, value: text };
}

const COLUMNS = [
  'id',
  'tenant_id',
  'created_at',
  'request_id',
  'partner_id',
  'partner_name',
  'api_key_id',
  'api_key_name',
  'resource',
  'action',
  'identifier',
  'method',
  'path',
  'query_string',
  'raw_payload',
  'mapped_payload',
  'response_body',
  'http_status',
  'status',
  'error_code',
  'error_message',
  'internal_id',
  'duration_ms',
  'shortened_fields',
] as const;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const uuidOrNull = (v: string | null | undefined): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);

/** `YYYY-MM-DD` of the UTC day of `ms`. */
const utcDay = (ms: number): string => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

/** The SQLSTATE of "no partition of relation ... found for row". */
const NO_PARTITION = '23514';

export interface IntegrationLogStoreOptions {
  /** Milliseconds since the epoch (injectable for tests): which days' partitions an insert may create. */
  now?: () => number;
}

const SUMMARY_COLUMNS = `l.id, l.created_at, l.request_id, l.partner_id, l.partner_name, l.api_key_id, l.api_key_name, l.resource, l.action,
  l.identifier, l.method, l.path, l.query_string, l.http_status, l.status, l.error_code, l.error_message, l.internal_id,
  l.duration_ms, l.shortened_fields`;

/** Postgres text of a timestamp in UTC with 6 fractional digits, for cursors. */
const MICROS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** Like Date.prototype.toISOString (milliseconds). */
const MILLIS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

function summary(r: Row): IntegrationLogSummary {
  return {
    id: r['id'],
    created_at: new Date(r['created_at']).toISOString(),
    request_id: r['request_id'],
    partner: r['partner_id'] ? { id: r['partner_id'], name: r['partner_name'] } : null,
    api_key: { id: r['api_key_id'], name: r['api_key_name'] },
    resource: r['resource'],
    action: r['action'],
    identifier: r['identifier'],
    method: r['method'],
    path: r['path'],
    query_string: r['query_string'],
    http_status: r['http_status'],
    status: r['status'],
    error_code: r['error_code'],
    error_message: r['error_message'],
    internal_id: r['internal_id'],
    duration_ms: r['duration_ms'],
    shortened_fields: r['shortened_fields'] ?? [],
  };
}

export class IntegrationLogStore {
  private readonly pool: Pool;
  private readonly now: () => number;

  constructor(ds: DataSource | Pool, options: IntegrationLogStoreOptions = {}) {
    this.pool = 'driver' in ds ? poolOf(ds) : ds;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores the entries in ONE statement (all or none). A day without a partition yet (an entry of
   * a day not created ahead, within a week of now) gets it, then the statement is tried once more.
   */
  async insertIntegrationLogs(entries: readonly IntegrationLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { days, ...statement } = insertStatement(entries, this.now());
    try {
      await this.pool.query(statement);
    } catch (error) {
      if ((error as { code?: string }).code !== NO_PARTITION) throw error;
      const today = Math.floor(this.now() / DAY_MS);
      const wanted = [...days].filter((d) => d >= today - 2 && d <= today + 7);
      if (wanted.length === 0) throw error;
      const first = Math.min(...wanted);
      await this.createPartitions(new Date(first * DAY_MS), Math.max(...wanted) - first + 1);
      await this.pool.query(statement);
    }
  }

  /** Creates the missing partitions of `days` UTC days from the day of `first` (at most 62); resolves how many it created. */
  async createPartitions(first: Date, days: number): Promise<number> {
    const { rows } = await this.pool.query(`SELECT gateway.integration_logs_create_partitions($1::date, $2) AS n`, [utcDay(first.getTime()), days]);
    return Number(rows[0]?.n ?? 0);
  }

  /** The UTC days that have a partition, oldest first (`YYYY-MM-DD`). */
  async partitionDays(): Promise<string[]> {
    const { rows } = await this.pool.query(
      `SELECT to_char(to_date(substr(c.relname, 19), 'YYYYMMDD'), 'YYYY-MM-DD') AS day
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'gateway.integration_logs'::regclass ORDER BY 1`,
    );
    return rows.map((r) => r['day'] as string);
  }

  /** A page of the tenant's entries, newest first, without the payloads. */
  async listIntegrationLogs(tenantId: string, filters: IntegrationLogFilters, p: PageRequest): Promise<Page<IntegrationLogSummary>> {
    const params: unknown[] = [tenantId];
    const where: string[] = ['l.tenant_id = $1'];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filters.partner === null) where.push('l.partner_id IS NULL');
    else if (filters.partner !== undefined) add((n) => `l.partner_id = ${n}::uuid`, filters.partner);
    if (filters.apiKey !== undefined) add((n) => `l.api_key_id = ${n}::uuid`, filters.apiKey);
    if (filters.resource !== undefined) add((n) => `l.resource = ${n}`, filters.resource);
    if (filters.action !== undefined) add((n) => `l.action = ${n}`, filters.action);
    if (filters.status !== undefined) add((n) => `l.status = ${n}`, filters.status);
    if (filters.httpStatus !== undefined) add((n) => `l.http_status = ${n}::smallint`, filters.httpStatus);
    // Entries that are not successes have an index of their own: say so when the filter implies it.
    if ((filters.status !== undefined && filters.status !== 'success') || (filters.httpStatus !== undefined && (filters.httpStatus < 200 || filters.httpStatus > 299))) {
      where.push(`l.status <> 'success'`);
    }
    if (filters.requestId !== undefined) add((n) => `l.request_id = ${n}`, filters.requestId);
    if (filters.identifier !== undefined) add((n) => `l.identifier = ${n}`, filters.identifier);
    if (filters.internalId !== undefined) add((n) => `l.internal_id = ${n}::uuid`, filters.internalId);
    if (filters.createdAfter !== undefined) add((n) => `l.created_at >= ${n}::timestamptz`, filters.createdAfter);
    if (filters.createdBefore !== undefined) add((n) => `l.created_at < ${n}::timestamptz`, filters.createdBefore);
    if (p.after) {
      params.push(p.after.c, p.after.i);
      where.push(`(l.created_at, l.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(p.limit + 1);
    const { rows } = await this.pool.query(
      `SELECT ${SUMMARY_COLUMNS}, ${MICROS('l.created_at')} AS pos_c, l.id::text AS pos_i
         FROM gateway.integration_logs l
        WHERE ${where.join(' AND ')}
        ORDER BY l.created_at DESC, l.id DESC LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > p.limit;
    const kept = more ? rows.slice(0, p.limit) : rows;
    const last = kept[kept.length - 1];
    return { data: kept.map(summary), next: more && last ? { c: last['pos_c'], i: last['pos_i'] } : null };
  }

  /** One whole entry of the tenant as JSON text (payloads as stored, not parsed again), or null. */
  async getIntegrationLog(tenantId: string, id: string): Promise<string | null> {
    const ms = uuidV7Time(id);
    if (ms === null) return null;
    const at = new Date(ms).toISOString();
    const { rows } = await this.pool.query(
      `SELECT json_build_object(
                'id', l.id, 'created_at', ${MILLIS('l.created_at')}, 'request_id', l.request_id,
                'partner', CASE WHEN l.partner_id IS NULL THEN NULL ELSE json_build_object('id', l.partner_id, 'name', l.partner_name) END,
                'api_key', json_build_object('id', l.api_key_id, 'name', l.api_key_name),
                'resource', l.resource, 'action', l.action, 'identifier', l.identifier, 'method', l.method, 'path', l.path,
                'query_string', l.query_string, 'raw_payload', l.raw_payload, 'mapped_payload', l.mapped_payload,
                'response_body', l.response_body, 'http_status', l.http_status, 'status', l.status, 'error_code', l.error_code,
                'error_message', l.error_message, 'internal_id', l.internal_id, 'duration_ms', l.duration_ms,
                'shortened_fields', l.shortened_fields)::text AS entry
         FROM gateway.integration_logs l
        WHERE l.tenant_id = $1 AND l.created_at >= $2::timestamptz AND l.created_at < $2::timestamptz + interval '1 millisecond' AND l.id = $3::uuid`,
      [tenantId, at, id],
    );
    return rows[0] ? (rows[0]['entry'] as string) : null;
  }

  /**
   * Sets a tenant's log retention (whole days, 90 to 3650) with its audit event (`settings.updated`,
   * same transaction; none when unchanged). Resolves the retention now set, or null when the tenant
   * does not exist.
   */
  async setLogRetentionDays(tenantId: string, days: number, audit: AuditContext = CLI_AUDIT): Promise<number | null> {
    if (!Number.isInteger(days) || days < DEFAULT_LOG_RETENTION_DAYS || days > MAX_LOG_RETENTION_DAYS) {
      throw new RangeError(`log retention must be a whole number of days from ${DEFAULT_LOG_RETENTION_DAYS} to ${MAX_LOG_RETENTION_DAYS}`);
    }
    return inTransaction(this.pool, async (q) => {
      const before = await q.query(`SELECT id, slug, log_retention_days FROM gateway.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const row = before.rows[0];
      if (!row) return null;
      if (row.log_retention_days !== days) {
        await q.query(`UPDATE gateway.tenants SET log_retention_days = $2 WHERE id = $1`, [tenantId, days]);
        await insertAuditEvent(q, tenantId, auditEvent(audit, 'settings.updated', { type: 'settings', id: tenantId, name: row.slug }, { log_retention_days: [row.log_retention_days, days] }));
      }
      return days;
    });
  }

  /** A tenant's log retention in days, or null when the tenant does not exist. */
  async logRetentionDays(tenantId: string): Promise<number | null> {
    const { rows } = await this.pool.query(`SELECT log_retention_days FROM gateway.tenants WHERE id = $1`, [tenantId]);
    return rows[0] ? Number(rows[0].log_retention_days) : null;
  }

  /**
   * The purge at `now` (integration-logs.md §4), day-aligned: with T the start of `now`'s UTC day,
   * a tenant with retention R keeps the entries created since T − R days. The partitions of days
   * before T − (the longest retention of any tenant) are dropped whole; in the partitions that
   * stay, the entries of tenants with a shorter retention are deleted in chunks. Run right after
   * UTC midnight, an entry is gone at most 24 hours after reaching its retention.
   */
  async purge(now: Date, options: { chunkRows?: number } = {}): Promise<PurgeResult> {
    const chunk = options.chunkRows ?? 10_000;
    const today = Math.floor(now.getTime() / DAY_MS);
    const { rows: tenants } = await this.pool.query(`SELECT id, log_retention_days FROM gateway.tenants`);
    const retention = (r: Row) => Math.max(DEFAULT_LOG_RETENTION_DAYS, Number(r['log_retention_days']) || DEFAULT_LOG_RETENTION_DAYS);
    const longest = tenants.reduce((m, r) => Math.max(m, retention(r)), DEFAULT_LOG_RETENTION_DAYS);
    const dropBefore = today - longest;
    const { rows: dropped } = await this.pool.query(`SELECT to_char(d, 'YYYY-MM-DD') AS day FROM gateway.integration_logs_drop_partitions($1::date) d`, [
      utcDay(dropBefore * DAY_MS),
    ]);
    let deleted = 0;
    for (const t of tenants) {
      const r = retention(t);
      if (r >= longest) continue;
      const from = new Date(dropBefore * DAY_MS).toISOString();
      const until = new Date((today - r) * DAY_MS).toISOString();
      for (;;) {
        const res = await this.pool.query(
          `DELETE FROM gateway.integration_logs WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
              AND (created_at, id) IN (SELECT created_at, id FROM gateway.integration_logs
                                        WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz LIMIT $4)`,
          [t['id'], from, until, chunk],
        );
        deleted += res.rowCount ?? 0;
        if ((res.rowCount ?? 0) < chunk) break;
      }
    }
    return { droppedDays: dropped.map((d) => d['day'] as string), deletedRows: deleted, longestRetentionDays: longest };
  }

  /** Runs `fn` while holding the purge's advisory lock on one connection; null (fn not run) when another gateway holds it. */
  async withMaintenanceLock<T>(fn: () => Promise<T>): Promise<T | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query(`SELECT pg_try_advisory_lock(hashtext('gateway.integration_logs maintenance')) AS got`);
      if (!rows[0]?.got) return null;
      try {
        return await fn();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('gateway.integration_logs maintenance'))`).catch((e: Error) => (broken = e));
      }
    } finally {
      client.release(broken);
    }
  }
}

export interface PurgeResult {
  /** Days whose partitions were dropped (`YYYY-MM-DD`). */
  droppedDays: string[];
  /** Rows deleted for tenants with a shorter retention than the longest. */
  deletedRows: number;
  longestRetentionDays: number;
}

/** Each column's PostgreSQL type: the element type of its array parameter. */
const COLUMN_TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'uuid',
  tenant_id: 'uuid',
  created_at: 'timestamptz',
  request_id: 'text',
  partner_id: 'uuid',
  partner_name: 'text',
  api_key_id: 'uuid',
  api_key_name: 'text',
  resource: 'text',
  action: 'text',
  identifier: 'text',
  method: 'text',
  path: 'text',
  query_string: 'text',
  raw_payload: 'text',
  mapped_payload: 'text',
  response_body: 'text',
  http_status: 'smallint',
  status: 'text',
  error_code: 'text',
  error_message: 'text',
  internal_id: 'uuid',
  duration_ms: 'integer',
  // A JSON array of strings per row, or NULL for none: text[] cannot be an element of an array parameter.
  shortened_fields: 'text',
};
const PAYLOAD_COLUMNS = ['raw_payload', 'mapped_payload', 'response_body'] as const;
const kindOf = (column: string) => `${column}_kind`;

/**
 * The batch INSERT: ONE prepared statement whatever the batch's size, one array parameter per
 * column (and one per payload column for the payload kinds) unnested into rows. Measured against
 * the alternatives (docs/benchmarks.md, "The hot paths against bare baselines"):
 * - a multi-row VALUES list with a parameter per value was parsed and planned anew for every
 *   batch size and cost PostgreSQL twice the CPU per entry;
 * - the rows as one JSON document (json_to_recordset) cost PostgreSQL twice the execution time
 *   of the arrays (a hash of the keys per row).
 * Preparing a batch of 500 takes the gateway's event loop ~6 ms (pg's array encoding included; a
 * hand-written encoder measured the same): the writer's batches stay at that size or below.
 */
const INSERT_BATCH = {
  name: 'gateway.integration_logs insert batch',
  text: (() => {
    const select = COLUMNS.map((c) =>
      (PAYLOAD_COLUMNS as readonly string[]).includes(c)
        ? `gateway.integration_log_json(u.${c}, u.${kindOf(c)})`
        : c === 'shortened_fields'
          ? `CASE WHEN u.${c} IS NULL THEN '{}'::text[] ELSE ARRAY(SELECT json_array_elements_text(u.${c}::json)) END`
          : `u.${c}`,
    );
    const types = [...COLUMNS.map((c) => COLUMN_TYPES[c]), ...PAYLOAD_COLUMNS.map(() => 'text')];
    const names = [...COLUMNS, ...PAYLOAD_COLUMNS.map(kindOf)];
    return `INSERT INTO gateway.integration_logs (${COLUMNS.join(', ')})
      SELECT ${select.join(', ')} FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${names.join(', ')})`;
  })(),
};

/**
 * The INSERT of ONE entry: a parameter per value, no array. The writer sends an entry with large
 * payloads alone (LARGE_ENTRY_BYTES in integration-log-writer.ts): pg's array encoding escapes and
 * copies every element, which for payloads of up to 1 MiB each held the gateway's event loop for
 * seconds and its memory for several copies (large-body-isolation e2e: +178 MiB RSS, 5 s to stop).
 */
const INSERT_ONE = {
  name: 'gateway.integration_logs insert one',
  text: (() => {
    const kinds = new Map<string, number>(PAYLOAD_COLUMNS.map((c, i) => [c, COLUMNS.length + i + 1]));
    const values = COLUMNS.map((c, i) =>
      kinds.has(c)
        ? `gateway.integration_log_json($${i + 1}::text, $${kinds.get(c)}::text)`
        : c === 'shortened_fields'
          ? `CASE WHEN $${i + 1}::text IS NULL THEN '{}'::text[] ELSE ARRAY(SELECT json_array_elements_text($${i + 1}::json)) END`
          : `$${i + 1}::${COLUMN_TYPES[c]}`,
    );
    return `INSERT INTO gateway.integration_logs (${COLUMNS.join(', ')}) VALUES (${values.join(', ')})`;
  })(),
};

/** One entry's values in {@link COLUMNS} order, then its payload kinds. */
function rowOf(e: IntegrationLogEntry, t: number): Array<string | number | null> {
  const raw = payloadParam(e.rawPayload);
  const mapped = payloadParam(e.mappedPayload);
  const body = payloadParam(e.responseBody);
  const shortened = e.shortenedFields ?? [];
  return [
    uuidV7At(t),
    e.tenantId,
    new Date(t).toISOString(),
    cleanText(String(e.requestId)),
    uuidOrNull(e.partner?.id),
    e.partner ? cleanText(String(e.partner.name)) : null,
    e.apiKey.id,
    cleanText(String(e.apiKey.name)),
    e.resource,
    e.action,
    cleanOrNull(e.identifier),
    cleanText(e.method),
    cleanText(e.path),
    cleanText(e.queryString ?? ''),
    raw?.value ?? null,
    mapped?.value ?? null,
    body?.value ?? null,
    e.httpStatus,
    e.status,
    cleanOrNull(e.errorCode),
    cleanOrNull(e.errorMessage),
    uuidOrNull(e.internalId),
    Math.max(0, Math.min(2_147_483_647, Math.round(e.durationMs))),
    shortened.length === 0 ? null : JSON.stringify(shortened.map((f) => cleanText(String(f)))),
    raw?.kind ?? null,
    mapped?.kind ?? null,
    body?.kind ?? null,
  ];
}

/** The statement of a batch: {@link INSERT_ONE} for one entry, else {@link INSERT_BATCH} with one array per column. */
function insertStatement(entries: readonly IntegrationLogEntry[], nowMs: number): { name: string; text: string; values: unknown[]; days: Set<number> } {
  const days = new Set<number>();
  const rows = entries.map((e) => {
    const t = e.createdAt instanceof Date && Number.isFinite(e.createdAt.getTime()) ? e.createdAt.getTime() : nowMs;
    days.add(Math.floor(t / DAY_MS));
    return rowOf(e, t);
  });
  if (rows.length === 1) return { ...INSERT_ONE, values: rows[0]!, days };
  const columns = Array.from({ length: COLUMNS.length + PAYLOAD_COLUMNS.length }, (_, i) => rows.map((r) => r[i]!));
  return { ...INSERT_BATCH, values: columns, days };
}

/** What the maintenance reports (the gateway logs it). */
export interface MaintenanceLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface IntegrationLogMaintenanceOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Partitions made ahead: the day before today, today and this many days after (default 3). */
  daysAhead?: number;
  /** After a failed run, the next try comes this much later (ms; default 10 minutes). */
  retryMs?: number;
}

/**
 * Keeps the log's partitions and retention: at start and right after every UTC midnight it
 * creates the partitions of yesterday, today and the next days (idempotent, every gateway), then
 * purges (one gateway at a time: an advisory lock, the others skip that run).
 */
export class IntegrationLogMaintenance {
  private readonly now: () => number;
  private readonly daysAhead: number;
  private readonly retryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: IntegrationLogStore,
    private readonly logger: MaintenanceLogger,
    options: IntegrationLogMaintenanceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.daysAhead = options.daysAhead ?? 3;
    this.retryMs = options.retryMs ?? 600_000;
  }

  /**
   * Creates the partitions ahead now (resolves when done; never rejects), then purges in the
   * background (a purge may take a while: the gateway need not wait for it), and again after every
   * UTC midnight.
   */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.createAhead(this.now());
    } catch (error) {
      this.logger.warn('integration log partitions not created; retrying later', { error: error instanceof Error ? error.message : String(error) });
    }
    void this.run();
  }

  private async createAhead(now: number): Promise<void> {
    const day = Math.floor(now / DAY_MS);
    const created = await this.store.createPartitions(new Date((day - 1) * DAY_MS), this.daysAhead + 2);
    if (created > 0) this.logger.info('integration log partitions created', { created });
  }

  /** Partitions ahead, then the purge. Resolves true when both succeeded. Never rejects. */
  async runOnce(): Promise<boolean> {
    const now = this.now();
    try {
      await this.createAhead(now);
      const purged = await this.store.withMaintenanceLock(() => this.store.purge(new Date(now)));
      if (purged && (purged.droppedDays.length > 0 || purged.deletedRows > 0)) {
        this.logger.info('integration logs purged', { dropped_days: purged.droppedDays, deleted_rows: purged.deletedRows, longest_retention_days: purged.longestRetentionDays });
      }
      return true;
    } catch (error) {
      this.logger.warn('integration log maintenance failed; retrying later', { error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  private async run(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const ok = await this.runOnce();
      this.schedule(ok);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private schedule(ok: boolean): void {
    if (this.stopped) return;
    const now = this.now();
    // A few seconds after the next UTC midnight (after a failure: sooner).
    const nextMidnight = (Math.floor(now / DAY_MS) + 1) * DAY_MS + 5_000;
    const delay = ok ? nextMidnight - now : Math.min(this.retryMs, nextMidnight - now);
    this.timer = setTimeout(() => void this.run(), Math.max(1_000, delay));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
