/**
 * The common prologue and epilogue of the gateway e2e specs: start the real platform, create a
 * tenant and a key on it, an API client and event-store reader or a database connection; stop
 * them all afterwards. Plus request-body builders for the records most specs create first.
 * Test support only (excluded from the gateway build).
 */
import { Client } from 'pg';
import { startTestPlatform, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { apiClient, BASE, EventStoreReader, type ApiClient } from './e2e-api';

export type PlatformOptions = Parameters<typeof startTestPlatform>[0];

export interface PlatformWithKey {
  platform: TestPlatform;
  /** The tenant's id. */
  tenantId: string;
  /** The plain API key. */
  key: string;
  /** The key's id. */
  keyId: string;
}

/**
 * Starts the platform and creates one tenant (default `acme`) with one key (named `keyName`, else
 * the platform's default name).
 */
export async function startWithKey(keyName?: string, options: { tenant?: string; platform?: PlatformOptions } = {}): Promise<PlatformWithKey> {
  const platform = await startTestPlatform(options.platform);
  const slug = options.tenant ?? 'acme';
  const tenant = await platform.createTenant(slug);
  const { key, id } = await platform.createKey(slug, keyName === undefined ? undefined : { name: keyName });
  return { platform, tenantId: tenant.id, key, keyId: id };
}

export interface ApiSuite extends PlatformWithKey {
  /** A client bound to the key on the tenant's host. */
  api: ApiClient;
  /** Read-only access to the event store. */
  events: EventStoreReader;
}

/** `startWithKey` plus a client bound to the key and an event-store reader. */
export async function startApiSuite(keyName: string): Promise<ApiSuite> {
  const started = await startWithKey(keyName);
  return { ...started, api: apiClient(started.platform, started.key), events: new EventStoreReader(started.platform.databaseUrl) };
}

/** A connected client to the platform's database (as its owner). */
export async function connectDb(platform: TestPlatform): Promise<Client> {
  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  return db;
}

/**
 * Closes what a suite opened, in order, then stops the platform; each may be undefined (a
 * `beforeAll` that failed half-way).
 */
export async function stopAll(platform: TestPlatform | undefined, ...opened: Array<EventStoreReader | Client | undefined>): Promise<void> {
  for (const resource of opened) {
    if (resource instanceof EventStoreReader) await resource.close();
    else await resource?.end();
  }
  await platform?.stop();
}

/** Creates a record through `POST path`; anything but 201 throws with the answer. Returns `data`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createRecord(client: ApiClient, path: string, body: Record<string, unknown>): Promise<any> {
  const res = await client.post(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${res.text}`);
  return res.body.data;
}

/** An order line: `quantity` of `sku_code`. */
export const anOrderLine = (sku_code: string, quantity = 1) => ({ sku_code, quantity });

/** The smallest valid order create body: `order_number` and one line (quantity 1 unless given). */
export const aMinimalOrderBody = (order_number: string, sku_code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  order_number,
  items: [anOrderLine(sku_code)],
  ...overrides,
});

/** A product create body: `sku` and any other fields. */
export const aProductBody = (sku: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ sku, ...overrides });

/** A location create body: `code` and any other fields. */
export const aLocationBody = (code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ code, ...overrides });

/** One row of an inventory bulk body. */
export const anInventoryRow = (location_code: string, sku_code: string, quantity: number) => ({ location_code, sku_code, quantity });

/** An inventory bulk body: `rows` under `inventory`, plus e.g. `source` / `notes`. */
export const anInventoryBulkBody = (rows: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ inventory: rows, ...overrides });

/**
 * `POST` through the platform with `key` (path relative to the base path) and expects 201: the
 * `expect(...status).toBe(201)` a setup step asserts. Returns the response.
 */
export async function expectCreated(platform: TestPlatform, key: string, path: string, body: unknown): Promise<ApiResponse> {
  const res = await platform.request('POST', BASE + path, { key, body });
  expect(res.status).toBe(201);
  return res;
}
