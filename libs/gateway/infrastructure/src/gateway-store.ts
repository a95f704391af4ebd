import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { KeyRecord } from '@datamingle/gateway-domain';
import { poolOf } from '@datamingle/read-model';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  integration_enabled: boolean;
  created_at: string;
}

/** API key metadata as the admin surface shows it (auth-and-keys.md §4.1): never the key. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  partner: string | null;
  expires_at: string | null;
  is_active: boolean;
  rate_limit_per_second: number | null;
  created_at: string;
  last_used_at: string | null;
}

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

  async createTenant(slug: string, name: string): Promise<TenantView> {
    const rows = await this.ds.query(
      `INSERT INTO gateway.tenants (id, slug, name) VALUES ($1, $2, $3)
       ON CONFLICT (slug) DO NOTHING RETURNING id, slug, name, integration_enabled, created_at`,
      [randomUUID(), slug, name],
    );
    if (!rows[0]) throw new AdminError(`tenant '${slug}' already exists`);
    return tenantView(rows[0]);
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

  async setIntegrationEnabled(slug: string, enabled: boolean): Promise<TenantView> {
    const rows = await this.ds.query(
      `UPDATE gateway.tenants SET integration_enabled = $2 WHERE slug = $1 RETURNING id, slug, name, integration_enabled, created_at`,
      [slug, enabled],
    );
    if (!rows[0]?.[0]) throw new AdminError(`tenant '${slug}' does not exist`);
    return tenantView(rows[0][0]);
  }

  async insertKey(input: {
    tenantSlug: string;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: string[];
    expiresAt: Date | null;
    rateLimitPerSecond: number | null;
    partnerId: string | null;
  }): Promise<ApiKeyView> {
    const tenant = await this.getTenant(input.tenantSlug);
    const rows = await this.ds.query(
      `INSERT INTO gateway.api_keys (id, tenant_id, name, prefix, key_hash, scopes, partner_id, expires_at, rate_limit_per_second)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${KEY_COLUMNS}`,
      [randomUUID(), tenant.id, input.name, input.prefix, input.keyHash, input.scopes, input.partnerId, input.expiresAt, input.rateLimitPerSecond],
    );
    return keyView(rows[0]);
  }

  async listKeys(tenantSlug: string): Promise<ApiKeyView[]> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [tenant.id]);
    return rows.map(keyView);
  }

  /** Changes take effect on the very next request: the gateway reads key state on every request. */
  async setKeyActive(tenantSlug: string, keyId: string, active: boolean): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(
      `UPDATE gateway.api_keys SET is_active = $3 WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`,
      [tenant.id, keyId, active],
    );
    if (!rows[0]?.[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
    return keyView(rows[0][0]);
  }

  async setKeyExpiry(tenantSlug: string, keyId: string, expiresAt: Date | null): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(
      `UPDATE gateway.api_keys SET expires_at = $3 WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`,
      [tenant.id, keyId, expiresAt],
    );
    if (!rows[0]?.[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
    return keyView(rows[0][0]);
  }

  async setKeyScopes(tenantSlug: string, keyId: string, scopes: string[]): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(
      `UPDATE gateway.api_keys SET scopes = $3 WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`,
      [tenant.id, keyId, scopes],
    );
    if (!rows[0]?.[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
    return keyView(rows[0][0]);
  }

  async deleteKey(tenantSlug: string, keyId: string): Promise<ApiKeyView> {
    const tenant = await this.getTenant(tenantSlug);
    const rows = await this.ds.query(`DELETE FROM gateway.api_keys WHERE tenant_id = $1 AND id::text = $2 RETURNING ${KEY_COLUMNS}`, [tenant.id, keyId]);
    if (!rows[0]?.[0]) throw new AdminError(`key '${keyId}' does not exist in tenant '${tenantSlug}'`);
    return keyView(rows[0][0]);
  }

  /** The one lookup of the authentication layer: key state as committed right now. */
  async findKeyByHash(keyHash: string): Promise<KeyRecord | null> {
    // Hot path (every request): a named prepared statement straight on the pool.
    const result = await poolOf(this.ds).query({
      name: 'gateway-find-key-by-hash',
      text: `SELECT k.id, k.name, k.tenant_id, t.slug, t.integration_enabled, k.scopes, k.is_active, k.expires_at, k.partner_id
               FROM gateway.api_keys k JOIN gateway.tenants t ON t.id = k.tenant_id
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
      partnerId: r.partner_id,
    };
  }

  async markKeysUsed(keyIds: readonly string[]): Promise<void> {
    if (keyIds.length === 0) return;
    await this.ds.query(`UPDATE gateway.api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [keyIds]);
  }

  async recordSecurityEvent(e: {
    tenantId: string | null;
    tenantSlug: string | null;
    requestId: string;
    reason: string;
    keyId: string | null;
    keyName: string | null;
    method: string;
    path: string;
    clientIp: string | null;
  }): Promise<void> {
    await this.ds.query(
      `INSERT INTO gateway.security_events (tenant_id, request_id, reason, api_key_id, api_key_name, method, path, client_ip)
       VALUES (COALESCE($9::uuid, (SELECT id FROM gateway.tenants WHERE slug = $1)), $2, $3, $4, $5, $6, $7, $8)`,
      [e.tenantSlug, e.requestId, e.reason, e.keyId, e.keyName, e.method, e.path.slice(0, 2000), e.clientIp, e.tenantId],
    );
  }
}
