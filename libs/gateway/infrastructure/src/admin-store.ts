import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  AUDITED_KEY_FIELDS,
  AUDITED_MAPPING_FIELDS,
  AUDITED_PARTNER_FIELDS,
  AUDITED_USER_FIELDS,
  auditEvent,
  defaultMappingName,
  diffChanges,
  keyUpdateAction,
  mappingUpdateAction,
  partnerTemplateMappings,
  SESSION_ABSOLUTE_LIFETIME_SECONDS,
  SESSION_IDLE_TIMEOUT_SECONDS,
  SIGN_IN_FAILURE_WINDOW_SECONDS,
  SIGN_IN_MAX_FAILURES,
  userUpdateAction,
  type AdminStorePort,
  type ApiKeyRepresentation,
  type AuditChanges,
  type AuditContext,
  type AuditEventView,
  type AuditTarget,
  type IntegrationLogFilters,
  type IntegrationLogSummary,
  type KeyFilters,
  type KeyPatch,
  type MappingFilters,
  type MappingReplacement,
  type MappingView,
  type NewKey,
  type NewMapping,
  type NewPartner,
  type NewUser,
  type Page,
  type PageRequest,
  type PartnerPatch,
  type PartnerView,
  type SecurityEventFilters,
  type SecurityEventView,
  type SessionRecord,
  type StoreResult,
  type TenantRef,
  type UserChanges,
  type UserView,
} from '@datamingle/gateway-domain';
import { poolOf } from '@datamingle/read-model';
import { inTransaction, insertAuditEvent, type Queryable } from './audit-sql';
import { IntegrationLogStore } from './integration-log-store';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** The (created_at, id) position of a row as a cursor position, with the stored microseconds. */
interface Positioned {
  pos_c: string;
  pos_i: string;
}

const USER_COLUMNS = `u.id, u.email, u.name, u.role, u.is_active, u.created_at, u.last_sign_in_at`;
const KEY_COLUMNS = `k.id, k.name, k.prefix, k.scopes, k.partner_id, k.expires_at, k.is_active, k.rate_limit_per_second, k.created_at, k.last_used_at`;
/** Postgres text of a timestamp in UTC with 6 fractional digits, for cursors. */
const MICROS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

export function userView(r: Row): UserView {
  return { id: r['id'], email: r['email'], name: r['name'], role: r['role'], is_active: r['is_active'], created_at: iso(r['created_at'])!, last_sign_in_at: iso(r['last_sign_in_at']) };
}

export function keyRepresentation(r: Row): ApiKeyRepresentation {
  return {
    id: r['id'],
    name: r['name'],
    prefix: r['prefix'],
    scopes: r['scopes'],
    partner: r['partner_id'],
    expires_at: iso(r['expires_at']),
    is_active: r['is_active'],
    rate_limit_per_second: r['rate_limit_per_second'],
    created_at: iso(r['created_at'])!,
    last_used_at: iso(r['last_used_at']),
  };
}

const PARTNER_COLUMNS = `p.id, p.name, p.template, p.default_identifier_field, p.created_at, p.updated_at`;

export function partnerView(r: Row): PartnerView {
  return {
    id: r['id'],
    name: r['name'],
    template: r['template'],
    default_identifier_field: r['default_identifier_field'],
    created_at: iso(r['created_at'])!,
    updated_at: iso(r['updated_at'])!,
  };
}

const partnerTarget = (p: PartnerView): AuditTarget => ({ type: 'partner', id: p.id, name: p.name });

const MAPPING_COLUMNS = `m.id, m.partner_id, m.resource, m.name, m.is_active, m.identifier_field, m.field_map, m.nested_mappings, m.static_values, m.created_at, m.updated_at`;

export function mappingView(r: Row): MappingView {
  return {
    id: r['id'],
    partner: r['partner_id'],
    resource: r['resource'],
    name: r['name'],
    is_active: r['is_active'],
    identifier_field: r['identifier_field'],
    field_map: r['field_map'],
    nested_mappings: r['nested_mappings'],
    static_values: r['static_values'],
    created_at: iso(r['created_at'])!,
    updated_at: iso(r['updated_at'])!,
  };
}

const mappingTarget = (m: MappingView): AuditTarget => ({ type: 'mapping', id: m.id, name: m.name });

const tenantRef = (r: Row): TenantRef => ({ id: r['id'], slug: r['slug'], name: r['name'], integration_enabled: r['integration_enabled'] });

const keyTarget = (k: ApiKeyRepresentation): AuditTarget => ({ type: 'api_key', id: k.id, name: k.name });
const userTarget = (u: UserView): AuditTarget => ({ type: 'user', id: u.id, name: u.email });

/** Security events carry a bigint id; as a cursor position it is written as a UUID-shaped string. */
export const bigintAsUuid = (id: string): string => `00000000-0000-0000-0000-${BigInt(id).toString(16).padStart(12, '0').slice(-12)}`;
const uuidAsBigint = (uuid: string): string => BigInt(`0x${uuid.replace(/-/g, '').slice(-12)}`).toString();

function page<T>(rows: Row[], limit: number, view: (r: Row) => T, idOf: (r: Row) => string = (r) => r['pos_i']): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1] as (Row & Positioned) | undefined;
  return { data: kept.map(view), next: more && last ? { c: last.pos_c, i: idOf(last) } : null };
}

/** A tenant's records of one table, as the admin API lists and reads them. */
interface TenantTable<T> {
  /** `gateway.<table> <alias>` */
  from: string;
  alias: string;
  columns: string;
  view: (r: Row) => T;
}

const PARTNERS: TenantTable<PartnerView> = { from: 'gateway.partners p', alias: 'p', columns: PARTNER_COLUMNS, view: partnerView };
const USERS: TenantTable<UserView> = { from: 'gateway.users u', alias: 'u', columns: USER_COLUMNS, view: userView };
const MAPPINGS: TenantTable<MappingView> = { from: 'gateway.mappings m', alias: 'm', columns: MAPPING_COLUMNS, view: mappingView };

/** One page of a tenant's records, newest first (pagination.md: keyset on created_at, id). */
async function newestFirst<T>(pool: Pool, table: TenantTable<T>, tenantId: string, p: PageRequest): Promise<Page<T>> {
  const a = table.alias;
  const { rows } = await pool.query(
    `SELECT ${table.columns}, ${MICROS(`${a}.created_at`)} AS pos_c, ${a}.id::text AS pos_i FROM ${table.from}
      WHERE ${a}.tenant_id = $1 AND ($2::timestamptz IS NULL OR (${a}.created_at, ${a}.id) < ($2::timestamptz, $3::uuid))
      ORDER BY ${a}.created_at DESC, ${a}.id DESC LIMIT $4`,
    [tenantId, p.after?.c ?? null, p.after?.i ?? null, p.limit + 1],
  );
  return page(rows, p.limit, table.view);
}

/** A tenant's record by id, or null. */
async function byId<T>(pool: Pool, table: TenantTable<T>, tenantId: string, id: string): Promise<T | null> {
  const { rows } = await pool.query(`SELECT ${table.columns} FROM ${table.from} WHERE ${table.alias}.tenant_id = $1 AND ${table.alias}.id = $2`, [tenantId, id]);
  return rows[0] ? table.view(rows[0]) : null;
}


/**
 * The admin surface's storage (admin.md): users, sessions, sign-in throttling, API keys, partners,
 * field mappings and the integration switch as the admin API changes them, security and audit events. Every change and its
 * audit event are written in one transaction; every query is filtered by the tenant.
 */
export class AdminStore implements AdminStorePort {
  private readonly pool: Pool;
  private csrf: string | null = null;

  private readonly logs: IntegrationLogStore;

  constructor(ds: DataSource) {
    this.pool = poolOf(ds);
    this.logs = new IntegrationLogStore(this.pool);
  }

  listIntegrationLogs(tenantId: string, filters: IntegrationLogFilters, p: PageRequest): Promise<Page<IntegrationLogSummary>> {
    return this.logs.listIntegrationLogs(tenantId, filters, p);
  }

  getIntegrationLog(tenantId: string, id: string): Promise<string | null> {
    return this.logs.getIntegrationLog(tenantId, id);
  }

  /** The server-side secret the CSRF tokens are derived with (created by the migration). */
  async csrfSecret(): Promise<string> {
    if (this.csrf) return this.csrf;
    const { rows } = await this.pool.query(`SELECT value FROM gateway.settings WHERE name = 'csrf_hmac_secret'`);
    if (!rows[0]) throw new Error('gateway.settings has no csrf_hmac_secret: run the migrations first');
    this.csrf = rows[0].value as string;
    return this.csrf;
  }

  async tenantBySlug(slug: string): Promise<TenantRef | null> {
    const { rows } = await this.pool.query(`SELECT id, slug, name, integration_enabled FROM gateway.tenants WHERE slug = $1`, [slug]);
    return rows[0] ? tenantRef(rows[0]) : null;
  }

  // ---- sessions and sign-in ----

  async findSession(tenantSlug: string, tokenHashes: readonly string[]): Promise<SessionRecord | null> {
    if (tokenHashes.length === 0) return null;
    const { rows } = await this.pool.query({
      name: 'admin-find-session',
      text: `UPDATE gateway.sessions s SET last_seen_at = clock_timestamp()
               FROM gateway.users u, gateway.tenants t
              WHERE s.token_hash = ANY($1::text[]) AND u.id = s.user_id AND t.id = s.tenant_id AND u.tenant_id = t.id
                AND t.slug = $2 AND u.is_active
                AND s.last_seen_at > clock_timestamp() - make_interval(secs => $3)
                AND s.created_at > clock_timestamp() - make_interval(secs => $4)
          RETURNING s.token_hash, t.id AS t_id, t.slug AS t_slug, t.name AS t_name, t.integration_enabled AS t_enabled, ${USER_COLUMNS}`,
      values: [tokenHashes, tenantSlug, SESSION_IDLE_TIMEOUT_SECONDS, SESSION_ABSOLUTE_LIFETIME_SECONDS],
    });
    const r = rows[0];
    if (!r) return null;
    return { tokenHash: r.token_hash, tenant: { id: r.t_id, slug: r.t_slug, name: r.t_name, integration_enabled: r.t_enabled }, user: userView(r) };
  }

  async signInCandidate(tenantId: string, email: string): Promise<{ user: UserView; passwordHash: string } | null> {
    const { rows } = await this.pool.query(`SELECT ${USER_COLUMNS}, u.password_hash FROM gateway.users u WHERE u.tenant_id = $1 AND lower(u.email) = lower($2)`, [tenantId, email.trim()]);
    return rows[0] ? { user: userView(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async signInThrottle(tenantId: string, email: string): Promise<{ failures: number; retryAfterSeconds: number }> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS failures,
              COALESCE(ceil(extract(epoch FROM (
                (SELECT failed_at FROM gateway.sign_in_failures
                  WHERE tenant_id = $1 AND email_key = lower($2) AND failed_at > clock_timestamp() - make_interval(secs => $3)
                  ORDER BY failed_at DESC OFFSET $4 - 1 LIMIT 1)
                + make_interval(secs => $3) - clock_timestamp()))), 0)::int AS retry_after
         FROM gateway.sign_in_failures
        WHERE tenant_id = $1 AND email_key = lower($2) AND failed_at > clock_timestamp() - make_interval(secs => $3)`,
      [tenantId, email.trim(), SIGN_IN_FAILURE_WINDOW_SECONDS, SIGN_IN_MAX_FAILURES],
    );
    return { failures: rows[0].failures, retryAfterSeconds: Math.max(1, rows[0].retry_after) };
  }

  async recordSignInFailure(tenantId: string, email: string, audit: AuditContext): Promise<void> {
    await inTransaction(this.pool, async (q) => {
      await q.query(`DELETE FROM gateway.sign_in_failures WHERE tenant_id = $1 AND failed_at < clock_timestamp() - make_interval(secs => $2)`, [tenantId, SIGN_IN_FAILURE_WINDOW_SECONDS]);
      await q.query(`INSERT INTO gateway.sign_in_failures (tenant_id, email_key) VALUES ($1, lower($2))`, [tenantId, email.trim()]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'session.failed', { type: 'session', id: null, name: null }));
    });
  }

  async createSession(tenantId: string, userId: string, tokenHash: string, replacedTokenHashes: readonly string[], audit: AuditContext): Promise<UserView> {
    return inTransaction(this.pool, async (q) => {
      // A sign-in replaces the session the browser presented, and drops the user's expired ones.
      await q.query(
        `DELETE FROM gateway.sessions WHERE tenant_id = $1 AND (token_hash = ANY($2::text[])
           OR (user_id = $3 AND (last_seen_at <= clock_timestamp() - make_interval(secs => $4) OR created_at <= clock_timestamp() - make_interval(secs => $5))))`,
        [tenantId, replacedTokenHashes, userId, SESSION_IDLE_TIMEOUT_SECONDS, SESSION_ABSOLUTE_LIFETIME_SECONDS],
      );
      await q.query(`INSERT INTO gateway.sessions (token_hash, tenant_id, user_id) VALUES ($1, $2, $3)`, [tokenHash, tenantId, userId]);
      const { rows } = await q.query(`UPDATE gateway.users u SET last_sign_in_at = clock_timestamp() WHERE u.tenant_id = $1 AND u.id = $2 RETURNING ${USER_COLUMNS}`, [tenantId, userId]);
      const user = userView(rows[0]);
      await q.query(`DELETE FROM gateway.sign_in_failures WHERE tenant_id = $1 AND email_key = lower($2)`, [tenantId, user.email]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'session.created', { type: 'session', id: null, name: null }));
      return user;
    });
  }

  async endSession(tenantId: string, tokenHash: string, audit: AuditContext): Promise<void> {
    await inTransaction(this.pool, async (q) => {
      const { rowCount } = await q.query(`DELETE FROM gateway.sessions WHERE tenant_id = $1 AND token_hash = $2`, [tenantId, tokenHash]);
      if (rowCount) await insertAuditEvent(q, tenantId, auditEvent(audit, 'session.ended', { type: 'session', id: null, name: null }));
    });
  }

  async passwordHashOf(tenantId: string, userId: string): Promise<string | null> {
    const { rows } = await this.pool.query(`SELECT password_hash FROM gateway.users WHERE tenant_id = $1 AND id = $2`, [tenantId, userId]);
    return rows[0]?.password_hash ?? null;
  }

  async changePassword(tenantId: string, userId: string, passwordHash: string, keepTokenHash: string, audit: AuditContext): Promise<UserView> {
    return inTransaction(this.pool, async (q) => {
      const { rows } = await q.query(`UPDATE gateway.users u SET password_hash = $3 WHERE u.tenant_id = $1 AND u.id = $2 RETURNING ${USER_COLUMNS}`, [tenantId, userId, passwordHash]);
      const user = userView(rows[0]);
      // Ends the user's other sessions (admin.md §4).
      await q.query(`DELETE FROM gateway.sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3`, [tenantId, userId, keepTokenHash]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'user.password_changed', userTarget(user)));
      return user;
    });
  }

  // ---- API keys ----

  async listKeys(tenantId: string, filters: KeyFilters, p: PageRequest): Promise<Page<ApiKeyRepresentation>> {
    const { rows } = await this.pool.query(
      `SELECT ${KEY_COLUMNS}, ${MICROS('k.created_at')} AS pos_c, k.id::text AS pos_i FROM gateway.api_keys k
        WHERE k.tenant_id = $1
          AND ($2::boolean IS NULL OR ($2 AND k.partner_id IS NULL) OR (NOT $2 AND k.partner_id = $3::uuid))
          AND ($4::boolean IS NULL OR k.is_active = $4)
          AND ($5::timestamptz IS NULL OR (k.created_at, k.id) < ($5::timestamptz, $6::uuid))
        ORDER BY k.created_at DESC, k.id DESC LIMIT $7`,
      [
        tenantId,
        filters.partner === undefined ? null : filters.partner === null,
        filters.partner ?? null,
        filters.isActive ?? null,
        p.after?.c ?? null,
        p.after?.i ?? null,
        p.limit + 1,
      ],
    );
    return page(rows, p.limit, keyRepresentation);
  }

  async getKey(tenantId: string, id: string): Promise<ApiKeyRepresentation | null> {
    const { rows } = await this.pool.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys k WHERE k.tenant_id = $1 AND k.id = $2`, [tenantId, id]);
    return rows[0] ? keyRepresentation(rows[0]) : null;
  }

  async createKey(tenantId: string, key: NewKey, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>> {
    return inTransaction(this.pool, async (q) => {
      const created = await insertKeyRow(q, tenantId, key);
      if (!created) return { ok: false, error: 'partner_not_found' } as const;
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'api_key.created', keyTarget(created), diffChanges(null, created, AUDITED_KEY_FIELDS)));
      return { ok: true, value: created } as const;
    });
  }

  async updateKey(tenantId: string, id: string, patch: KeyPatch, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>> {
    return inTransaction(this.pool, async (q) => {
      const before = await q.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys k WHERE k.tenant_id = $1 AND k.id = $2 FOR UPDATE`, [tenantId, id]);
      if (!before.rows[0]) return { ok: false, error: 'not_found' } as const;
      const { rows } = await q.query(
        `UPDATE gateway.api_keys k SET
           name = CASE WHEN $3 THEN $4 ELSE k.name END,
           scopes = CASE WHEN $5 THEN $6::text[] ELSE k.scopes END,
           expires_at = CASE WHEN $7 THEN $8::timestamptz ELSE k.expires_at END,
           is_active = CASE WHEN $9 THEN $10::boolean ELSE k.is_active END,
           rate_limit_per_second = CASE WHEN $11 THEN $12::integer ELSE k.rate_limit_per_second END
         WHERE k.tenant_id = $1 AND k.id = $2 RETURNING ${KEY_COLUMNS}`,
        [
          tenantId,
          id,
          patch.name !== undefined,
          patch.name ?? null,
          patch.scopes !== undefined,
          patch.scopes ?? null,
          patch.expiresAt !== undefined,
          patch.expiresAt ?? null,
          patch.isActive !== undefined,
          patch.isActive ?? null,
          patch.rateLimitPerSecond !== undefined,
          patch.rateLimitPerSecond ?? null,
        ],
      );
      const after = keyRepresentation(rows[0]);
      const changes = diffChanges(keyRepresentation(before.rows[0]), after, AUDITED_KEY_FIELDS);
      // A request that changes nothing records nothing.
      if (Object.keys(changes).length > 0) await insertAuditEvent(q, tenantId, auditEvent(audit, keyUpdateAction(changes), keyTarget(after), changes));
      return { ok: true, value: after } as const;
    });
  }

  async deleteKey(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>> {
    return inTransaction(this.pool, async (q) => {
      const { rows } = await q.query(`DELETE FROM gateway.api_keys k WHERE k.tenant_id = $1 AND k.id = $2 RETURNING ${KEY_COLUMNS}`, [tenantId, id]);
      if (!rows[0]) return { ok: false, error: 'not_found' } as const;
      const deleted = keyRepresentation(rows[0]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'api_key.deleted', keyTarget(deleted)));
      return { ok: true, value: deleted } as const;
    });
  }

  async rotateKey(
    tenantId: string,
    id: string,
    key: { prefix: string; keyHash: string; name: (oldName: string) => string },
    audit: AuditContext,
  ): Promise<StoreResult<ApiKeyRepresentation>> {
    return inTransaction(this.pool, async (q) => {
      const { rows } = await q.query(`SELECT ${KEY_COLUMNS} FROM gateway.api_keys k WHERE k.tenant_id = $1 AND k.id = $2 FOR UPDATE`, [tenantId, id]);
      if (!rows[0]) return { ok: false, error: 'not_found' } as const;
      const old = keyRepresentation(rows[0]);
      const created = await insertKeyRow(q, tenantId, {
        name: key.name(old.name),
        prefix: key.prefix,
        keyHash: key.keyHash,
        scopes: old.scopes,
        expiresAt: old.expires_at === null ? null : new Date(old.expires_at),
        rateLimitPerSecond: old.rate_limit_per_second,
        partnerId: old.partner,
      });
      // The old key's partner is locked by its foreign key while the old key exists (it is, FOR UPDATE).
      if (!created) throw new Error(`rotateKey: the partner of key ${old.id} is gone`);
      // One request, one event: the new key is the target, `changes.id` names the old key.
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'api_key.rotated', keyTarget(created), { id: [old.id, created.id] }));
      return { ok: true, value: created } as const;
    });
  }

  // ---- partners ----

  listPartners(tenantId: string, p: PageRequest): Promise<Page<PartnerView>> {
    return newestFirst(this.pool, PARTNERS, tenantId, p);
  }

  getPartner(tenantId: string, id: string): Promise<PartnerView | null> {
    return byId(this.pool, PARTNERS, tenantId, id);
  }

  /** A partner by id or, failing that, by name (case-insensitive): the CLI's `--partner`. */
  async partnerByIdOrName(tenantId: string, idOrName: string): Promise<PartnerView | null> {
    const { rows } = await this.pool.query(
      `SELECT ${PARTNER_COLUMNS} FROM gateway.partners p WHERE p.tenant_id = $1 AND (p.id::text = lower($2) OR lower(p.name) = lower($2))
        ORDER BY (p.id::text = lower($2)) DESC LIMIT 1`,
      [tenantId, idOrName.trim()],
    );
    return rows[0] ? partnerView(rows[0]) : null;
  }

  async createPartner(tenantId: string, partner: NewPartner, audit: AuditContext): Promise<StoreResult<PartnerView>> {
    return inTransaction(this.pool, async (q) => {
      const { rows } = await q.query(
        `INSERT INTO gateway.partners AS p (id, tenant_id, name, template, default_identifier_field) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, lower(name)) DO NOTHING RETURNING ${PARTNER_COLUMNS}`,
        [randomUUID(), tenantId, partner.name, partner.template, partner.defaultIdentifierField],
      );
      if (!rows[0]) return { ok: false, error: 'duplicate_name' } as const;
      const created = partnerView(rows[0]);
      // The template's mappings, one active per resource it covers (custom-integrations.md §10.2),
      // in the same transaction; the one `partner.created` event names them in `changes.mappings`.
      const mappingIds: string[] = [];
      for (const mapping of partnerTemplateMappings(created.template)) {
        mappingIds.push((await insertMappingRow(q, tenantId, created.id, { ...mapping, name: mapping.name ?? defaultMappingName(created.name, mapping.resource) })).id);
      }
      const changes: AuditChanges = diffChanges(null, created, AUDITED_PARTNER_FIELDS);
      if (mappingIds.length > 0) changes['mappings'] = [null, mappingIds];
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'partner.created', partnerTarget(created), changes));
      return { ok: true, value: created } as const;
    });
  }

  async updatePartner(tenantId: string, id: string, patch: PartnerPatch, audit: AuditContext): Promise<StoreResult<PartnerView>> {
    return inTransaction(this.pool, async (q) => {
      const found = await q.query(`SELECT ${PARTNER_COLUMNS} FROM gateway.partners p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE`, [tenantId, id]);
      if (!found.rows[0]) return { ok: false, error: 'not_found' } as const;
      const before = partnerView(found.rows[0]);
      const name = patch.name ?? before.name;
      const idField = patch.defaultIdentifierField !== undefined ? patch.defaultIdentifierField : before.default_identifier_field;
      if (name === before.name && idField === before.default_identifier_field) return { ok: true, value: before } as const;
      const { rows } = await q.query(
        `UPDATE gateway.partners p SET name = $3, default_identifier_field = $4, updated_at = clock_timestamp()
          WHERE p.tenant_id = $1 AND p.id = $2
            AND NOT EXISTS (SELECT 1 FROM gateway.partners o WHERE o.tenant_id = $1 AND o.id <> $2 AND lower(o.name) = lower($3))
          RETURNING ${PARTNER_COLUMNS}`,
        [tenantId, id, name, idField],
      ).catch((error: { code?: string }) => {
        // A concurrent rename to the same name lost the race for the unique index.
        if (error.code === '23505') return { rows: [] };
        throw error;
      });
      if (!rows[0]) return { ok: false, error: 'duplicate_name' } as const;
      const after = partnerView(rows[0]);
      const changes = diffChanges(before, after, AUDITED_PARTNER_FIELDS);
      if (Object.keys(changes).length > 0) await insertAuditEvent(q, tenantId, auditEvent(audit, 'partner.updated', partnerTarget(after), changes));
      return { ok: true, value: after } as const;
    });
  }

  async deletePartner(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<PartnerView>> {
    return inTransaction(this.pool, async (q) => {
      // FOR UPDATE waits for a key being created for this partner (its foreign key holds a share lock), so the count below sees it.
      const found = await q.query(`SELECT ${PARTNER_COLUMNS} FROM gateway.partners p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE`, [tenantId, id]);
      if (!found.rows[0]) return { ok: false, error: 'not_found' } as const;
      const partner = partnerView(found.rows[0]);
      const keys = await q.query(`SELECT 1 FROM gateway.api_keys WHERE tenant_id = $1 AND partner_id = $2 LIMIT 1`, [tenantId, id]);
      if (keys.rows.length > 0) return { ok: false, error: 'partner_in_use' } as const;
      await q.query(`DELETE FROM gateway.partners WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'partner.deleted', partnerTarget(partner)));
      return { ok: true, value: partner } as const;
    });
  }

  // ---- field mappings ----
  //
  // Every change locks the partner row first (FOR NO KEY UPDATE: it does not block the foreign-key
  // checks of new keys or mappings), so the changes of one partner's mappings run one at a time and
  // each sees the others' committed rows: "at most one active per resource" (the partial unique
  // index) is kept by deactivating the previous one in the same transaction, never by a conflict.
  // Every UPDATE bumps `revision` (the runtime's cache key is `<id>:<revision>`) and `updated_at`.

  async listMappings(tenantId: string, partnerId: string, filters: MappingFilters, p: PageRequest): Promise<StoreResult<Page<MappingView>>> {
    const partner = await this.pool.query(`SELECT 1 FROM gateway.partners WHERE tenant_id = $1 AND id = $2`, [tenantId, partnerId]);
    if (partner.rows.length === 0) return { ok: false, error: 'not_found' };
    const { rows } = await this.pool.query(
      `SELECT ${MAPPING_COLUMNS}, ${MICROS('m.created_at')} AS pos_c, m.id::text AS pos_i FROM gateway.mappings m
        WHERE m.tenant_id = $1 AND m.partner_id = $2
          AND ($3::text IS NULL OR m.resource = $3)
          AND ($4::boolean IS NULL OR m.is_active = $4)
          AND ($5::timestamptz IS NULL OR (m.created_at, m.id) < ($5::timestamptz, $6::uuid))
        ORDER BY m.created_at DESC, m.id DESC LIMIT $7`,
      [tenantId, partnerId, filters.resource ?? null, filters.isActive ?? null, p.after?.c ?? null, p.after?.i ?? null, p.limit + 1],
    );
    return { ok: true, value: page(rows, p.limit, mappingView) };
  }

  getMapping(tenantId: string, id: string): Promise<MappingView | null> {
    return byId(this.pool, MAPPINGS, tenantId, id);
  }

  async createMapping(tenantId: string, partnerId: string, mapping: NewMapping, audit: AuditContext): Promise<StoreResult<MappingView>> {
    return inTransaction(this.pool, async (q) => {
      const partner = await lockPartner(q, tenantId, partnerId);
      if (!partner) return { ok: false, error: 'not_found' } as const;
      const deactivated = mapping.isActive ? await deactivateActive(q, tenantId, partnerId, mapping.resource, null) : null;
      const created = await insertMappingRow(q, tenantId, partnerId, { ...mapping, name: mapping.name ?? defaultMappingName(partner.name, mapping.resource) });
      const changes = diffChanges(null, created, AUDITED_MAPPING_FIELDS);
      if (deactivated) changes['active_mapping'] = [deactivated, created.id];
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'mapping.created', mappingTarget(created), changes));
      return { ok: true, value: created } as const;
    });
  }

  async replaceMapping(tenantId: string, id: string, replacement: MappingReplacement, audit: AuditContext): Promise<StoreResult<MappingView>> {
    return inTransaction(this.pool, async (q) => {
      const before = await lockMapping(q, tenantId, id);
      if (!before) return { ok: false, error: 'not_found' } as const;
      const name = replacement.name ?? before.name;
      const isActive = replacement.isActive ?? before.is_active;
      const { rules } = replacement;
      const same =
        name === before.name &&
        isActive === before.is_active &&
        JSON.stringify([rules.identifier_field, rules.field_map, rules.nested_mappings, rules.static_values]) ===
          JSON.stringify([before.identifier_field, before.field_map, before.nested_mappings, before.static_values]);
      // Nothing changes: no new revision, no event.
      if (same) return { ok: true, value: before } as const;
      const deactivated = isActive && !before.is_active ? await deactivateActive(q, tenantId, before.partner, before.resource, id) : null;
      const { rows } = await q.query(
        `UPDATE gateway.mappings m SET name = $3, is_active = $4, identifier_field = $5, field_map = $6::json, nested_mappings = $7::json, static_values = $8::json,
                revision = m.revision + 1, updated_at = clock_timestamp()
          WHERE m.tenant_id = $1 AND m.id = $2 RETURNING ${MAPPING_COLUMNS}`,
        [tenantId, id, name, isActive, rules.identifier_field, JSON.stringify(rules.field_map), JSON.stringify(rules.nested_mappings), JSON.stringify(rules.static_values)],
      );
      const after = mappingView(rows[0]);
      const changes = diffChanges(before, after, AUDITED_MAPPING_FIELDS);
      if (deactivated) changes['active_mapping'] = [deactivated, id];
      await insertAuditEvent(q, tenantId, auditEvent(audit, mappingUpdateAction(changes), mappingTarget(after), changes));
      return { ok: true, value: after } as const;
    });
  }

  async deleteMapping(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<MappingView>> {
    return inTransaction(this.pool, async (q) => {
      const mapping = await lockMapping(q, tenantId, id);
      if (!mapping) return { ok: false, error: 'not_found' } as const;
      await q.query(`DELETE FROM gateway.mappings WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'mapping.deleted', mappingTarget(mapping)));
      return { ok: true, value: mapping } as const;
    });
  }

  async setMappingActive(tenantId: string, id: string, active: boolean, audit: AuditContext): Promise<StoreResult<MappingView>> {
    return inTransaction(this.pool, async (q) => {
      const before = await lockMapping(q, tenantId, id);
      if (!before) return { ok: false, error: 'not_found' } as const;
      if (before.is_active === active) return { ok: true, value: before } as const;
      const deactivated = active ? await deactivateActive(q, tenantId, before.partner, before.resource, id) : null;
      const { rows } = await q.query(
        `UPDATE gateway.mappings m SET is_active = $3, revision = m.revision + 1, updated_at = clock_timestamp()
          WHERE m.tenant_id = $1 AND m.id = $2 RETURNING ${MAPPING_COLUMNS}`,
        [tenantId, id, active],
      );
      const after = mappingView(rows[0]);
      // One request, one event: an activation names the mapping it deactivated in `changes.active_mapping`.
      const changes: AuditChanges = { is_active: [before.is_active, active] };
      if (deactivated) changes['active_mapping'] = [deactivated, id];
      await insertAuditEvent(q, tenantId, auditEvent(audit, active ? 'mapping.activated' : 'mapping.deactivated', mappingTarget(after), changes));
      return { ok: true, value: after } as const;
    });
  }

  // ---- settings ----

  async setIntegrationEnabled(tenantId: string, enabled: boolean, audit: AuditContext): Promise<TenantRef> {
    return inTransaction(this.pool, async (q) => setIntegrationSwitch(q, `id = $1`, tenantId, enabled, audit));
  }

  // ---- users ----

  listUsers(tenantId: string, p: PageRequest): Promise<Page<UserView>> {
    return newestFirst(this.pool, USERS, tenantId, p);
  }

  getUser(tenantId: string, id: string): Promise<UserView | null> {
    return byId(this.pool, USERS, tenantId, id);
  }

  async userByEmail(tenantId: string, email: string): Promise<UserView | null> {
    const { rows } = await this.pool.query(`SELECT ${USER_COLUMNS} FROM gateway.users u WHERE u.tenant_id = $1 AND lower(u.email) = lower($2)`, [tenantId, email.trim()]);
    return rows[0] ? userView(rows[0]) : null;
  }

  async createUser(tenantId: string, user: NewUser, audit: AuditContext): Promise<StoreResult<UserView>> {
    return inTransaction(this.pool, async (q) => {
      const { rows } = await q.query(
        `INSERT INTO gateway.users AS u (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, lower(email)) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [randomUUID(), tenantId, user.email, user.name, user.role, user.passwordHash],
      );
      if (!rows[0]) return { ok: false, error: 'duplicate_email' } as const;
      const created = userView(rows[0]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'user.created', userTarget(created), diffChanges(null, created, AUDITED_USER_FIELDS)));
      return { ok: true, value: created } as const;
    });
  }

  /**
   * Changes name, role or is_active. Disabling or demoting the tenant's last active admin is
   * refused; disabling and a role change end the user's sessions at once (same transaction).
   */
  async updateUser(tenantId: string, id: string, changes: UserChanges, audit: AuditContext): Promise<StoreResult<UserView>> {
    return inTransaction(this.pool, async (q) => {
      // One admin change of a tenant at a time: the last-admin check cannot race another.
      await q.query(`SELECT 1 FROM gateway.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const found = await q.query(`SELECT ${USER_COLUMNS} FROM gateway.users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, id]);
      if (!found.rows[0]) return { ok: false, error: 'not_found' } as const;
      const before = userView(found.rows[0]);
      const after: UserView = { ...before, ...changes };
      const losesAdmin = before.role === 'admin' && before.is_active && (after.role !== 'admin' || !after.is_active);
      if (losesAdmin && !(await otherActiveAdmin(q, tenantId, id))) return { ok: false, error: 'last_admin' } as const;
      const { rows } = await q.query(
        `UPDATE gateway.users u SET name = $3, role = $4, is_active = $5 WHERE u.tenant_id = $1 AND u.id = $2 RETURNING ${USER_COLUMNS}`,
        [tenantId, id, after.name, after.role, after.is_active],
      );
      const updated = userView(rows[0]);
      const diff = diffChanges(before, updated, AUDITED_USER_FIELDS);
      if (diff['role'] || (diff['is_active'] && !updated.is_active)) await q.query(`DELETE FROM gateway.sessions WHERE tenant_id = $1 AND user_id = $2`, [tenantId, id]);
      if (Object.keys(diff).length > 0) await insertAuditEvent(q, tenantId, auditEvent(audit, userUpdateAction(diff), userTarget(updated), diff));
      return { ok: true, value: updated } as const;
    });
  }

  async deleteUser(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<UserView>> {
    return inTransaction(this.pool, async (q) => {
      await q.query(`SELECT 1 FROM gateway.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const found = await q.query(`SELECT ${USER_COLUMNS} FROM gateway.users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, id]);
      if (!found.rows[0]) return { ok: false, error: 'not_found' } as const;
      const user = userView(found.rows[0]);
      if (user.role === 'admin' && user.is_active && !(await otherActiveAdmin(q, tenantId, id))) return { ok: false, error: 'last_admin' } as const;
      // Its sessions go with it (ON DELETE CASCADE).
      await q.query(`DELETE FROM gateway.users WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      await insertAuditEvent(q, tenantId, auditEvent(audit, 'user.deleted', userTarget(user)));
      return { ok: true, value: user } as const;
    });
  }

  // ---- events ----

  async listSecurityEvents(tenantId: string, filters: SecurityEventFilters, p: PageRequest): Promise<Page<SecurityEventView>> {
    const { rows } = await this.pool.query(
      `SELECT s.id::text AS id, s.occurred_at, s.request_id, s.reason, s.api_key_id, s.api_key_name, s.method, s.path, s.client_ip,
              s.count, s.first_at, s.last_at, ${MICROS('s.occurred_at')} AS pos_c, s.id::text AS pos_i
         FROM gateway.security_events s
        WHERE s.tenant_id = $1
          AND ($2::text IS NULL OR s.reason = $2)
          AND ($3::uuid IS NULL OR s.api_key_id = $3)
          AND ($4::timestamptz IS NULL OR s.occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR s.occurred_at < $5)
          AND ($6::timestamptz IS NULL OR (s.occurred_at, s.id) < ($6::timestamptz, $7::bigint))
        ORDER BY s.occurred_at DESC, s.id DESC LIMIT $8`,
      [
        tenantId,
        filters.reason ?? null,
        filters.apiKey ?? null,
        filters.createdAfter ?? null,
        filters.createdBefore ?? null,
        p.after?.c ?? null,
        p.after ? uuidAsBigint(p.after.i) : null,
        p.limit + 1,
      ],
    );
    return page(
      rows,
      p.limit,
      (r): SecurityEventView => ({
        id: r['id'],
        occurred_at: iso(r['occurred_at'])!,
        request_id: r['request_id'],
        reason: r['reason'],
        api_key: r['api_key_id'] ? { id: r['api_key_id'], name: r['api_key_name'] } : null,
        method: r['method'],
        path: r['path'],
        client_ip: r['client_ip'],
        count: r['count'],
        first_at: iso(r['first_at']),
        last_at: iso(r['last_at']),
      }),
      (r) => bigintAsUuid(r['pos_i']),
    );
  }

  async listAuditEvents(tenantId: string, p: PageRequest): Promise<Page<AuditEventView>> {
    const { rows } = await this.pool.query(
      `SELECT a.id, a.occurred_at, a.action, a.actor, a.target, a.changes, a.request_id, a.client_ip,
              ${MICROS('a.occurred_at')} AS pos_c, a.id::text AS pos_i
         FROM gateway.audit_events a
        WHERE a.tenant_id = $1 AND ($2::timestamptz IS NULL OR (a.occurred_at, a.id) < ($2::timestamptz, $3::uuid))
        ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
      [tenantId, p.after?.c ?? null, p.after?.i ?? null, p.limit + 1],
    );
    return page(rows, p.limit, (r): AuditEventView => ({
      id: r['id'],
      occurred_at: iso(r['occurred_at'])!,
      action: r['action'],
      actor: r['actor'],
      target: r['target'],
      changes: r['changes'],
      request_id: r['request_id'],
      client_ip: r['client_ip'],
    }));
  }
}

async function otherActiveAdmin(q: Queryable, tenantId: string, exceptId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM gateway.users WHERE tenant_id = $1 AND id <> $2 AND role = 'admin' AND is_active LIMIT 1`, [tenantId, exceptId]);
  return rows.length > 0;
}

/**
 * Inserts a key row (shared by the admin API and the CLI's GatewayStore); null when `key.partnerId`
 * names no partner of the tenant (checked first, so that the foreign key never raises).
 */
export async function insertKeyRow(q: Queryable, tenantId: string, key: NewKey): Promise<ApiKeyRepresentation | null> {
  if (key.partnerId !== null) {
    const partner = await q.query(`SELECT 1 FROM gateway.partners WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE`, [tenantId, key.partnerId]);
    if (partner.rows.length === 0) return null;
  }
  const { rows } = await q.query(
    `INSERT INTO gateway.api_keys AS k (id, tenant_id, name, prefix, key_hash, scopes, partner_id, expires_at, rate_limit_per_second, is_active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${KEY_COLUMNS}`,
    [randomUUID(), tenantId, key.name, key.prefix, key.keyHash, key.scopes, key.partnerId, key.expiresAt, key.rateLimitPerSecond, key.isActive ?? true],
  );
  return keyRepresentation(rows[0]);
}

/** The partner of the tenant, locked for a change of its mappings (see the mappings section of AdminStore); null when absent. */
async function lockPartner(q: Queryable, tenantId: string, partnerId: string): Promise<PartnerView | null> {
  const { rows } = await q.query(`SELECT ${PARTNER_COLUMNS} FROM gateway.partners p WHERE p.tenant_id = $1 AND p.id = $2 FOR NO KEY UPDATE`, [tenantId, partnerId]);
  return rows[0] ? partnerView(rows[0]) : null;
}

/** The mapping, locked after its partner (the order every mapping change takes); null when absent or deleted meanwhile. */
async function lockMapping(q: Queryable, tenantId: string, id: string): Promise<MappingView | null> {
  const found = await q.query(`SELECT partner_id FROM gateway.mappings WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  if (!found.rows[0]) return null;
  await lockPartner(q, tenantId, found.rows[0].partner_id);
  const { rows } = await q.query(`SELECT ${MAPPING_COLUMNS} FROM gateway.mappings m WHERE m.tenant_id = $1 AND m.id = $2 FOR UPDATE`, [tenantId, id]);
  return rows[0] ? mappingView(rows[0]) : null;
}

/** Deactivates the partner's active mapping of `resource` (other than `exceptId`); its id, or null when there was none. */
async function deactivateActive(q: Queryable, tenantId: string, partnerId: string, resource: string, exceptId: string | null): Promise<string | null> {
  const { rows } = await q.query(
    `UPDATE gateway.mappings m SET is_active = false, revision = m.revision + 1, updated_at = clock_timestamp()
      WHERE m.tenant_id = $1 AND m.partner_id = $2 AND m.resource = $3 AND m.is_active AND ($4::uuid IS NULL OR m.id <> $4::uuid)
      RETURNING m.id`,
    [tenantId, partnerId, resource, exceptId],
  );
  return rows[0]?.id ?? null;
}

/** Inserts a mapping row (created_at = updated_at, revision 1); the caller deactivated the previous active one. */
async function insertMappingRow(q: Queryable, tenantId: string, partnerId: string, mapping: NewMapping & { name: string }): Promise<MappingView> {
  const { rules } = mapping;
  const { rows } = await q.query(
    `INSERT INTO gateway.mappings AS m (id, tenant_id, partner_id, resource, name, is_active, identifier_field, field_map, nested_mappings, static_values, created_at, updated_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8::json, $9::json, $10::json, c.t, c.t FROM (SELECT clock_timestamp() AS t) c
     RETURNING ${MAPPING_COLUMNS}`,
    [
      randomUUID(),
      tenantId,
      partnerId,
      mapping.resource,
      mapping.name,
      mapping.isActive,
      rules.identifier_field,
      JSON.stringify(rules.field_map),
      JSON.stringify(rules.nested_mappings),
      JSON.stringify(rules.static_values),
    ],
  );
  return mappingView(rows[0]);
}

/** The integration switch and its `settings.updated` event (shared by the admin API and the CLI). */
export async function setIntegrationSwitch(q: Queryable, where: string, tenant: string, enabled: boolean, audit: AuditContext): Promise<TenantRef> {
  const before = await q.query(`SELECT id, slug, name, integration_enabled, created_at FROM gateway.tenants WHERE ${where} FOR UPDATE`, [tenant]);
  if (!before.rows[0]) throw new TenantNotFound(tenant);
  const { rows } = await q.query(`UPDATE gateway.tenants SET integration_enabled = $2 WHERE id = $1 RETURNING id, slug, name, integration_enabled, created_at`, [before.rows[0].id, enabled]);
  const changes = diffChanges(tenantRef(before.rows[0]), tenantRef(rows[0]), ['integration_enabled']);
  if (Object.keys(changes).length > 0) {
    await insertAuditEvent(q, rows[0].id, auditEvent(audit, 'settings.updated', { type: 'settings', id: rows[0].id, name: rows[0].slug }, changes));
  }
  return { ...tenantRef(rows[0]), created_at: rows[0].created_at } as TenantRef & { created_at: Date };
}

export class TenantNotFound extends Error {
  constructor(readonly tenant: string) {
    super(`tenant '${tenant}' does not exist`);
    this.name = 'TenantNotFound';
  }
}
