import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { parseJsonBody } from '@datamingle/kernel';
import { hashApiKey } from '../lib/api-keys';
import type { KeyRecord, Operation, PipelineDeps, RawRequest, SecurityEvent } from '../lib/types';

export const HASH_SECRET = 'unit-test-hmac-secret';
export const NOW = new Date('2026-05-01T12:00:00Z');

/** Well-formed keys (40-character secrets). */
export const KEY = {
  acme: `sk_live_${'A'.repeat(40)}`,
  acmeReadOnly: `sk_live_${'R'.repeat(40)}`,
  acmeInactive: `sk_live_${'I'.repeat(40)}`,
  acmeExpired: `sk_live_${'E'.repeat(40)}`,
  acmeInactiveExpired: `sk_live_${'X'.repeat(40)}`,
  globex: `sk_live_${'G'.repeat(40)}`,
  disabledTenant: `sk_live_${'D'.repeat(40)}`,
  disabledTenantExpired: `sk_live_${'F'.repeat(40)}`,
  unknown: `sk_live_${'U'.repeat(40)}`,
} as const;

export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: 'key-acme',
    name: 'ERP sync',
    tenantId: 'tenant-acme',
    tenantSlug: 'acme',
    tenantIntegrationEnabled: true,
    scopes: ['integrations.*'],
    isActive: true,
    expiresAt: null,
    partner: null,
    rateLimitPerSecond: null,
    ...overrides,
  };
}

const past = new Date(NOW.getTime() - 1000);

export function defaultKeyStore(): Map<string, KeyRecord> {
  const records: Array<[string, KeyRecord]> = [
    [KEY.acme, keyRecord()],
    [KEY.acmeReadOnly, keyRecord({ id: 'key-ro', scopes: ['integrations.orders.read'] })],
    [KEY.acmeInactive, keyRecord({ id: 'key-inactive', isActive: false })],
    [KEY.acmeExpired, keyRecord({ id: 'key-expired', expiresAt: past })],
    [KEY.acmeInactiveExpired, keyRecord({ id: 'key-inactive-expired', isActive: false, expiresAt: past })],
    [KEY.globex, keyRecord({ id: 'key-globex', tenantId: 'tenant-globex', tenantSlug: 'globex' })],
    [KEY.disabledTenant, keyRecord({ id: 'key-off', tenantId: 'tenant-off', tenantSlug: 'off', tenantIntegrationEnabled: false })],
    [
      KEY.disabledTenantExpired,
      keyRecord({ id: 'key-off-expired', tenantId: 'tenant-off', tenantSlug: 'off', tenantIntegrationEnabled: false, expiresAt: past }),
    ],
  ];
  return new Map(records.map(([key, record]) => [hashApiKey(HASH_SECRET, key), record]));
}

export interface DispatchCall {
  op: Operation;
  request: ServiceRequest;
}

export interface FakeDeps {
  deps: PipelineDeps;
  keys: Map<string, KeyRecord>;
  /** Every call as it crossed the transport (the body's bytes in `bodyUtf8`). */
  sent: DispatchCall[];
  /** The calls that reached the service's handler, with the body parsed as the service parses it. */
  dispatched: DispatchCall[];
  lookups: string[];
  /** Stored mappings by id (`loadMapping` answers `<id>:<revision>`). */
  mappings: Map<string, { revision: number; definition: unknown }>;
  /** Every `loadMapping` call: `<tenant>/<version>`. */
  mappingLoads: string[];
  events: SecurityEvent[];
  unexpected: unknown[];
  /** What the fake dispatch answers; replace to script a reply or throw. */
  reply: (op: Operation, request: ServiceRequest) => Promise<ServiceReply>;
}

/** In-memory dependencies that record every call. */
export function fakeDeps(overrides: Partial<PipelineDeps> = {}): FakeDeps {
  let counter = 0;
  const fake: FakeDeps = {
    keys: defaultKeyStore(),
    sent: [],
    dispatched: [],
    lookups: [],
    mappings: new Map(),
    mappingLoads: [],
    events: [],
    unexpected: [],
    reply: async (op) => ({ ok: true, status: op.name === 'create' ? 201 : 200, data: { echo: op.name } }),
    deps: undefined as unknown as PipelineDeps,
  };
  fake.deps = {
    baseDomain: 'localhost',
    now: () => NOW,
    newRequestId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    hashApiKey: (key) => hashApiKey(HASH_SECRET, key),
    findKeyByHash: async (hash) => {
      fake.lookups.push(hash);
      return fake.keys.get(hash) ?? null;
    },
    loadMapping: async (tenantId, version) => {
      fake.mappingLoads.push(`${tenantId}/${version}`);
      const id = version.split(':', 1)[0]!;
      const stored = fake.mappings.get(id);
      return stored ? { version: `${id}:${stored.revision}`, definition: stored.definition } : null;
    },
    dispatch: async (op, request) => {
      fake.sent.push({ op, request: { ...request } });
      // What every service does first (ServiceMessageController.run): step 13 on the forwarded text.
      if (request.bodyUtf8 !== undefined) {
        const parsed = parseJsonBody(request.bodyUtf8);
        if (!parsed.ok) return { ok: false, error: parsed.error };
        const { bodyUtf8: _bytes, ...rest } = request;
        request = { ...rest, body: parsed.value };
      }
      fake.dispatched.push({ op, request });
      return fake.reply(op, request);
    },
    onSecurityEvent: (e) => fake.events.push(e),
    onUnexpectedError: (e) => fake.unexpected.push(e),
    ...overrides,
  };
  return fake;
}

export interface RequestOptions {
  host?: string | null;
  key?: string | string[] | null;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Buffer | null;
  bodyTooLarge?: boolean;
}

/** A request to the acme tenant with acme's full-access key unless told otherwise. */
export function request(method: string, rawUrl: string, options: RequestOptions = {}): RawRequest {
  const headers: Record<string, string | string[] | undefined> = {};
  const host = options.host === undefined ? 'acme.localhost:8080' : options.host;
  if (host !== null) headers['host'] = host;
  const key = options.key === undefined ? KEY.acme : options.key;
  if (key !== null) headers['x-api-key'] = key;
  const body = options.body === undefined || options.body === null ? null : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  if (body !== null && body.length > 0 && options.headers?.['content-type'] === undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  return { method, rawUrl, headers, body, ...(options.bodyTooLarge ? { bodyTooLarge: true } : {}), remoteAddress: '203.0.113.7' };
}

/** `/api/integrations/v1/` + path. */
export const v1 = (path: string) => `/api/integrations/v1/${path}`;

/** The parsed JSON body of a response (throws when there is none). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: bodies are inspected field by field
export function json(response: { body: string | null }): any {
  if (response.body === null) throw new Error('response has no body');
  return JSON.parse(response.body);
}
