import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RESOURCE_NAMES, type ResourceName } from '@datamingle/contracts';
import { AUDITED_KEY_FIELDS, auditEvent, CLI_AUDIT, diffChanges, keyUpdateAction, type ActiveMappingRef, type ApiKeyRepresentation, type AuditContext, type KeyRecord, type NewKey } from '@datamingle/gateway-domain';
import { poolOf } from '@datamingle/read-model';
import { inTransaction, insertAuditEvent } from './audit-sql';
import { insertKeyRow, setIntegrationSwitch, TenantNotFound } from './admin-store';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  integration_enabled: boolean;
  created_at: string;
}

/** API key metadata as the admin surface shows it (auth-and-keys.md §4.1): never the key. */
export type ApiKeyView = ApiKeyRepresentation;

export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  partner_id: string | null;
  expires_at: Date | null;
  is_active: boolean;
  rate_limit_per_second: number | null;
  created_at: Date;
  last_used_at: Date | null;
}

function keyView(r: KeyRow): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    partner: r.partner_id,
    expires_at: iso(r.expires_at),
    is_active: r.is_active,
    rate_limit_per_second: r.rate_limit_per_second,
    created_at: iso(r.created_at)!,
    last_used_at: iso(r.last_used_at),
  };
}

function tenantView(r: { id: string; slug: string; name: string; integration_enabled: boolean; created_at: Date }): TenantView {
  return { id: r.id, slug: r.slug, name: r.name, integration_enabled: r.integration_enabled, created_at: iso(r.created_at)! };
}

/** One authentication-layer security event to store (auth-and-keys.md §9). The submitted key value is never part of it. */
export interface SecurityEventRecord {
  /** The tenant, when the key was identified as one of the host's tenant; otherwise resolved from `tenantSlug`. */
  tenantId: string | null;
  /** The slug the host names; a host that names no existing tenant gives a row no tenant sees. */
  tenantSlug: string | null;
  requestId: string;
  reason: string;
  keyId: string | null;
  keyName: string | null;
  method: string;
  path: string;
  clientIp: string | null;
  occurredAt: Date;
}

/** Events of one bucket (host, client address, reason, minute) counted instead of stored one by one. */
export interface SecurityEventAggregate extends Omit<SecurityEventRecord, 'occurredAt'> {
  /** Names the bucket: every writer of the same bucket uses the same key, so their counts merge into one row. */
  aggregateKey: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

const MAX_PATH = 2000;
/** The row's tenant: the identified key's, else the one the host names (NULL when none). */
const TENANT_OF_ROW = `COALESCE(u.tenant_id, (SELECT t.id FROM gateway.tenants t WHERE t.slug = u.tenant_slug))`;

function mergeAggregates(a: SecurityEventAggregate, b: SecurityEventAggregate): SecurityEventAggregate {
  const sameKey = a.keyId !== null && a.keyId === b.keyId;
  return {
    ...a,
    tenantId: a.tenantId ?? b.tenantId,
    keyId: sameKey ? a.keyId : null,
    keyName: sameKey ? a.keyName : null,
    count: a.count + b.count,
    firstAt: a.firstAt <= b.firstAt ? a.firstAt : b.firstAt,
    lastAt: a.lastAt >= b.lastAt ? a.lastAt : b.lastAt,
  };
}

const KEY_COLUMNS = `id, name, prefix, scopes, partner_id, expires_at, is_active, rate_limit_per_second, created_at, last_used_at`;

/** Tenants, API keys and security events (the gateway's own schema). */
export class GatewayStore {
  private secret: string | null = null;

  constructor(private readonly ds: DataSource) {}

  /** The server-side HMAC secret for API keys (created by the gateway migration). */
  async hmacSecret(): Promise<string> {
    if (this.secret) return this.secret;
    const rows: Array<{ value: string }> = await this.ds.query(`SELECT value FROM gateway.settings WHERE name = 'api_key_hmac_secret'`);
    if (!rows[0]) throw new Error('gateway.settings has no api_key_hmac_secret: run the migrations first');
    this.secret = rows[0].value;
    return this.secret;
  }

  /** Every change below writes its audit event (admin.md §5) in the same transaction; the CLI's actor is `{"type": "cli"}`. */
  async createTenant(slug: string, name: string, audit: AuditContext = CLI_AUDIT): Promise<TenantView> {
    return inTransaction(poolOf(this.ds), async (q) => {
      const { rows } = await q.query(
        `INSERT INTO gateway.tenants (id, slug, name) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO NOTHING RETURNING id, slug, name, integration_enabled, created_at`,
        [randomUUID(), slug, name],
      );
      if (!rows[0]) throw new AdminError(`tenant '${slug}' already exists`);
      const tenant = tenantView(rows[0]);
      await insertAuditEvent(q, tenant.id, auditEvent(audit, 'tenant.created', { type: 'tenant', id: tenant.id, name: tenant.slug }, { slug: [null, tenant.slug], name: [null, tenant.name] }));
      return tenant;
    });
  }

  async listTenants(): Promise<TenantView[]> {
    const rows = await this.ds.query(`SELECT id, slug, name, integration_enabled, created_at FROM gateway.tenants ORDER BY created_at, slug`);
    return rows.map(tenantView);
  }

  async getTenant(slug: string): Promise<TenantView> {
    const rows = await this.ds.query(`SELECT id, slug, name, integration_enabled, created_at FROM gateway.tenants WHERE slug = $1`, [slug]);
    if (!rows[0]) throw new AdminError(`tenant '${slug}' does not exist`);
    return tenantView(rows[0]);
  }

  async setIntegrationEnabled(slug: string, enabled: boolean, audit: AuditContext = CLI_AUDIT): Promise<TenantView> {
    try {
      const t = await inTransaction(poolOf(this.ds), (q) => setIntegrationSwitch(q, `slug = $1`, slug, enabled, audit));
      return tenantView(t as typeof t & { created_at: Date });
    } catch (error) {
      if (error instanceof TenantNotFound) throw new AdminError(`tenant '${slug}' does not exist`);
      throw error;
    }
  }

  async insertKey(input: NewKey & { tenantSlug: string }, audit: AuditContext = CLI_AUDIT): Promise<ApiKeyView> {
    const tenant = await this.getTenant(input.tenantSlug);
    return inTransaction(poolOf(this.ds), async (q) => {
      const created = await insertKeyRow(q, tenant.id, input);
      if (!created) throw new AdminError(`partner '${input.partnerId}' does not exist in tenant '${tenant.slug}'`);
      await insertAuditEvent(q, tenant.id, auditEvent(audit, 'api_key.created', { type: 'api_key', id: created.id, name: created.name }, diffChanges(null, created, AUDITED_KEY_FIELDS)));
      return created;
    });
  }

  /** One column of a key changed, with its audit event when the value moved. */
  private async changeKey(tenantSlug: string, keyId: string, column: 'is_active' | 'expires_at' | 'scopes', value: unknown, audit: AuditContext): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    return inTransaction(poolOf(this.ds), async (q) => {
      const before = await q.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys WHERE tenant_id = $1 AND id::text = $2 FOR UPDATE`, [tenant.id, keyId]);
      if (!before.rows[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
      const { rows } = await q.query(`UPDATE gateway.api_keys SET ${column} = $3 WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`, [tenant.id, keyId, value]);
      const after = keyView(rows[0]);
      const changes = diffChanges(keyView(before.rows[0]), after, AUDITED_KEY_FIELDS);
      if (Object.keys(changes).length > 0) await insertAuditEvent(q, tenant.id, auditEvent(audit, keyUpdateAction(changes), { type: 'api_key', id: after.id, name: after.name }, changes));
      return after;
    });
  }

  async listKeys(tenantSlug: string): Promise<ApiKeyView[]> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [tenant.id]);
    return rows.map(keyView);
  }

  /** Changes take effect on the very next request: the gateway reads key state on every request. */
  async setKeyActive(tenantSlug: string, keyId: string, active: boolean, audit: AuditContext = CLI_AUDIT): Promise<ApiKeyView> {
    return this.changeKey(tenantSlug, keyId, 'is_active', active, audit);
  }

  async setKeyExpiry(tenantSlug: string, keyId: string, expiresAt: Date | null, audit: AuditContext = CLI_AUDIT): Promise<ApiKeyView> {
    return this.changeKey(tenantSlug, keyId, 'expires_at', expiresAt, audit);
  }

  async setKeyScopes(tenantSlug: string, keyId: string, scopes: string[], audit: AuditContext = CLI_AUDIT): Promise<ApiKeyView> {
    return this.changeKey(tenantSlug, keyId, 'scopes', scopes, audit);
  }

  async deleteKey(tenantSlug: string, keyId: string, audit: AuditContext = CLI_AUDIT): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    return inTransaction(poolOf(this.ds), async (q) => {
      const { rows } = await q.query(`DELETE FROM gateway.api_keys WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`, [tenant.id, keyId]);
      if (!rows[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
      const deleted = keyView(rows[0]);
      await insertAuditEvent(q, tenant.id, auditEvent(audit, 'api_key.deleted', { type: 'api_key', id: deleted.id, name: deleted.name }));
      return deleted;
    });
  }

  /** The one lookup of the authentication layer: key state as committed right now. */
  async findKeyByHash(keyHash: string): Promise<KeyRecord | null> {
    // Hot path (every request): a named prepared statement straight on the pool.
    const result = await poolOf(this.ds).query({
      name: 'gateway-find-key-by-hash',
      // A partner key brings its partner's default identifier field and the version of each active
      // mapping (custom-integrations.md §2: a change applies to the next request).
      text: `SELECT k.id, k.name, k.tenant_id, t.slug, t.integration_enabled, k.scopes, k.is_active, k.expires_at, k.partner_id, k.rate_limit_per_second,
                    p.name AS partner_name, p.default_identifier_field,
                    (SELECT json_object_agg(m.resource, json_build_object('version', m.id::text || ':' || m.revision, 'identifier_field', m.identifier_field))
                       FROM gateway.mappings m WHERE m.partner_id = k.partner_id AND m.is_active) AS active_mappings
               FROM gateway.api_keys k JOIN gateway.tenants t ON t.id = k.tenant_id
               LEFT JOIN gateway.partners p ON p.id = k.partner_id
              WHERE k.key_hash = $1`,
      values: [keyHash],
    });
    const r = result.rows[0];
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      tenantId: r.tenant_id,
      tenantSlug: r.slug,
      tenantIntegrationEnabled: r.integration_enabled,
      scopes: r.scopes,
      isActive: r.is_active,
      expiresAt: r.expires_at ? new Date(r.expires_at) : null,
      partner: r.partner_id === null ? null : { id: r.partner_id, name: r.partner_name, defaultIdentifierField: r.default_identifier_field, activeMappings: activeMappingRefs(r.active_mappings) },
      rateLimitPerSecond: r.rate_limit_per_second,
    };
  }

  /**
   * The stored mapping of `<id>:<revision>` as it is now (custom-integrations.md §2.2), with the
   * version it is: a newer revision when the mapping changed since the key was read; `null` when
   * it was deleted. Tenant-filtered like every query here.
   */
  async findMapping(tenantId: string, version: string): Promise<{ version: string; definition: unknown } | null> {
    const id = version.split(':', 1)[0]!;
    const result = await poolOf(this.ds).query({
      name: 'gateway-find-mapping',
      text: `SELECT m.id, m.revision, m.resource, m.identifier_field, m.field_map, m.nested_mappings, m.static_values
               FROM gateway.mappings m WHERE m.tenant_id = $1 AND m.id::text = $2`,
      values: [tenantId, id],
    });
    const r = result.rows[0];
    if (!r) return null;
    return {
      version: `${r.id}:${r.revision}`,
      definition: { resource: r.resource, identifier_field: r.identifier_field, field_map: r.field_map, nested_mappings: r.nested_mappings, static_values: r.static_values },
    };
  }

  async markKeysUsed(keyIds: readonly string[]): Promise<void> {
    if (keyIds.length === 0) return;
    await this.ds.query(`UPDATE gateway.api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [keyIds]);
  }

  /** Stores each event as a row of its own, all in ONE multi-row INSERT (one statement, one round trip). */
  async insertSecurityEvents(events: readonly SecurityEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await poolOf(this.ds).query({
      name: 'gateway-insert-security-events',
      text: `INSERT INTO gateway.security_events (tenant_id, occurred_at, request_id, reason, api_key_id, api_key_name, method, path, client_ip)
             SELECT ${TENANT_OF_ROW}, u.occurred_at, u.request_id, u.reason, u.api_key_id, u.api_key_name, u.method, u.path, u.client_ip
               FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[])
                 AS u(tenant_id, tenant_slug, occurred_at, request_id, reason, api_key_id, api_key_name, method, path, client_ip)`,
      values: [
        events.map((e) => e.tenantId),
        events.map((e) => e.tenantSlug),
        events.map((e) => e.occurredAt.toISOString()),
        events.map((e) => e.requestId),
        events.map((e) => e.reason),
        events.map((e) => e.keyId),
        events.map((e) => e.keyName),
        events.map((e) => e.method),
        events.map((e) => e.path.slice(0, MAX_PATH)),
        events.map((e) => e.clientIp),
      ],
    });
  }

  /**
   * Adds each aggregate to the row of its `aggregateKey` (one row per host, address, reason and
   * minute), creating it when absent, in ONE statement: several gateway processes writing the
   * same bucket end with one row whose count is the sum, first_at the earliest and last_at the
   * latest. The row keeps the request_id, method and path it was created with; its API key stays
   * only while every part agrees on it (else NULL: several keys). Rows are written in key order
   * so that two concurrent writers lock them in the same order (no deadlock).
   */
  async upsertSecurityEventAggregates(aggregates: readonly SecurityEventAggregate[]): Promise<void> {
    if (aggregates.length === 0) return;
    const byKey = new Map<string, SecurityEventAggregate>();
    for (const a of aggregates) {
      const seen = byKey.get(a.aggregateKey);
      byKey.set(a.aggregateKey, seen ? mergeAggregates(seen, a) : a);
    }
    const rows = [...byKey.values()].sort((x, y) => (x.aggregateKey < y.aggregateKey ? -1 : x.aggregateKey > y.aggregateKey ? 1 : 0));
    await poolOf(this.ds).query({
      name: 'gateway-upsert-security-event-aggregates',
      text: `INSERT INTO gateway.security_events AS s
               (tenant_id, occurred_at, request_id, reason, api_key_id, api_key_name, method, path, client_ip, count, first_at, last_at, aggregate_key)
             SELECT ${TENANT_OF_ROW}, u.first_at, u.request_id, u.reason, u.api_key_id, u.api_key_name, u.method, u.path, u.client_ip, u.count, u.first_at, u.last_at, u.aggregate_key
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[],
                           $10::integer[], $11::timestamptz[], $12::timestamptz[], $13::text[])
                 WITH ORDINALITY AS u(tenant_id, tenant_slug, request_id, reason, api_key_id, api_key_name, method, path, client_ip, count, first_at, last_at, aggregate_key, ord)
              ORDER BY u.ord
             ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL DO UPDATE SET
               count = s.count + excluded.count,
               first_at = least(s.first_at, excluded.first_at),
               last_at = greatest(s.last_at, excluded.last_at),
               occurred_at = least(s.occurred_at, excluded.occurred_at),
               api_key_id = CASE WHEN s.api_key_id = excluded.api_key_id THEN s.api_key_id END,
               api_key_name = CASE WHEN s.api_key_id = excluded.api_key_id THEN s.api_key_name END`,
      values: [
        rows.map((a) => a.tenantId),
        rows.map((a) => a.tenantSlug),
        rows.map((a) => a.requestId),
        rows.map((a) => a.reason),
        rows.map((a) => a.keyId),
        rows.map((a) => a.keyName),
        rows.map((a) => a.method),
        rows.map((a) => a.path.slice(0, MAX_PATH)),
        rows.map((a) => a.clientIp),
        rows.map((a) => a.count),
        rows.map((a) => a.firstAt.toISOString()),
        rows.map((a) => a.lastAt.toISOString()),
        rows.map((a) => a.aggregateKey),
      ],
    });
  }

  /** Every tenant slug (the security event recorder tells hosts of tenants from hosts that name none). */
  async tenantSlugs(): Promise<string[]> {
    const rows: Array<{ slug: string }> = await this.ds.query(`SELECT slug FROM gateway.tenants`);
    return rows.map((r) => r.slug);
  }
}

/** The `active_mappings` column of the key lookup: resource → version and identifier field. */
function activeMappingRefs(column: unknown): Partial<Record<ResourceName, ActiveMappingRef>> {
  const refs: Partial<Record<ResourceName, ActiveMappingRef>> = {};
  if (column === null || typeof column !== 'object') return refs;
  for (const [resource, ref] of Object.entries(column as Record<string, { version: string; identifier_field: string | null }>)) {
    if ((RESOURCE_NAMES as readonly string[]).includes(resource)) refs[resource as ResourceName] = { version: ref.version, identifierField: ref.identifier_field };
  }
  return refs;
}
