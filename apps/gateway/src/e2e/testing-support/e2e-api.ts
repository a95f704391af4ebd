/**
 * Small helpers shared by the gateway e2e specs: a tenant-bound API client on top of
 * `TestPlatform.request`, cursor walking, error assertions and read-only event-store queries.
 * Test support only (excluded from the gateway build).
 */
import type { ApiRequestOptions, ApiResponse, TestPlatform } from '@datamingle/testing';
import { Pool } from 'pg';

export const BASE = '/api/integrations/v1/';

/** Keys of the full order representation, in the order the spec shows them (orders.md §1). */
export const ORDER_KEYS = [
  'id',
  'order_number',
  'external_order_id',
  'customer_name',
  'customer_info',
  'notes',
  'order_date',
  'due_date',
  'metadata',
  'status',
  'cancellation_reason',
  'items',
  'created_at',
  'updated_at',
];

/** Keys of an order line (orders.md §1.2). */
export const LINE_KEYS = ['id', 'sku', 'quantity', 'verified_quantity', 'verification_status', 'notes'];

/** Keys of a product (products.md §1). */
export const PRODUCT_KEYS = ['id', 'sku', 'name', 'quantity', 'is_active', 'cost', 'custom_fields', 'created_at', 'updated_at'];

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export interface ApiClient {
  key: string;
  host: string;
  request(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  get(path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  post(path: string, body: unknown, options?: ApiRequestOptions): Promise<ApiResponse>;
  put(path: string, body: unknown, options?: ApiRequestOptions): Promise<ApiResponse>;
  del(path: string, body?: unknown, options?: ApiRequestOptions): Promise<ApiResponse>;
}

/** A client bound to one key and host; `path` is relative to the base path. */
export function apiClient(platform: TestPlatform, key: string, host = 'acme.localhost'): ApiClient {
  const request = (method: string, path: string, options: ApiRequestOptions = {}) =>
    platform.request(method, BASE + path, { key, host, ...options });
  return {
    key,
    host,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { body, ...options }),
    put: (path, body, options) => request('PUT', path, { body, ...options }),
    del: (path, body, options) => request('DELETE', path, body === undefined ? options : { body, ...options }),
  };
}

/** Follows `next_cursor` (limit 200) and returns every record of a list route. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listAll(client: ApiClient, path: string, query = ''): Promise<any[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const all: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const q = [`limit=200`, query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
    const res = await client.get(`${path}?${q}`);
    if (res.status !== 200) throw new Error(`GET ${path}?${q} answered ${res.status}: ${res.text.slice(0, 500)}`);
    all.push(...res.body.data);
    cursor = res.body.pagination.next_cursor;
    if (!cursor) return all;
  }
  throw new Error(`${path}: more than 1000 pages`);
}

/** Asserts an error envelope with the given status and code and returns its `error` object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function expectError(res: ApiResponse, status: number, code: string): any {
  const summary = `${res.status} ${res.text.slice(0, 600)}`;
  expect({ status: res.status, code: res.body?.error?.code, summary }).toEqual({ status, code, summary: expect.any(String) });
  expect(res.body.success).toBe(false);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
  return res.body.error;
}

/** Asserts a 400 VALIDATION_ERROR whose details hold `message` under `path`. */
export function expectFieldError(res: ApiResponse, path: string, message: string | RegExp): void {
  const error = expectError(res, 400, 'VALIDATION_ERROR');
  expect(error.details).toHaveProperty([path]);
  if (typeof message === 'string') expect(error.details[path]).toContain(message);
  else expect(error.details[path].some((m: string) => message.test(m))).toBe(true);
}

/** `{"a": {"a": ... {}}}` with `levels` objects (levels >= 1). */
export function nestedObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/**
 * Rewrites an RFC 3339 UTC string (`...Z`, any fractional digits kept verbatim) as the same
 * instant in the given whole-hour offset, e.g. `+02:00`.
 */
export function withOffset(utc: string, offsetHours: number): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(utc);
  if (!m) throw new Error(`not an RFC 3339 UTC datetime: ${utc}`);
  const shifted = new Date(Date.parse(`${m[1]}Z`) + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours >= 0 ? '+' : '-';
  const hh = String(Math.abs(offsetHours)).padStart(2, '0');
  return `${shifted}${m[2] ?? ''}${sign}${hh}:00`;
}

/** Comparable key of an RFC 3339 UTC datetime with microsecond precision. */
export function instantKey(utc: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(utc);
  if (!m) throw new Error(`not an RFC 3339 UTC datetime: ${utc}`);
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

/** Read-only access to the test database (verification only; tests never write to it). */
export class EventStoreReader {
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 2 });
  }

  async count(where = 'true', params: unknown[] = []): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM event_store.events WHERE ${where}`, params);
    return Number(rows[0]!.n);
  }

  /** The stream of the order / product whose creation event carries this internal id. */
  async streamOf(id: string): Promise<string> {
    const { rows } = await this.pool.query<{ stream_name: string }>(
      `SELECT stream_name FROM event_store.events WHERE data->>'id' = $1 ORDER BY stream_revision LIMIT 1`,
      [id],
    );
    if (!rows[0]) throw new Error(`no event stream for record ${id}`);
    return rows[0].stream_name;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query(sql: string, params: unknown[] = []): Promise<any[]> {
    return (await this.pool.query(sql, params)).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
