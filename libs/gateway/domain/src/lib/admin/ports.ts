/**
 * The ports of the admin API (admin.md §3–5): what its handlers need from storage and from the
 * password hasher. The gateway's infrastructure implements them (AdminStore on PostgreSQL, the
 * argon2id hasher); the handlers here never see a driver.
 */
import type { CursorPosition } from '@datamingle/kernel';
import type { ApiKeyRepresentation } from './keys';
import type { PartnerView } from './partners';
import type { MappingFilters, MappingReplacement, MappingView, NewMapping } from './mappings';
import type { AuditContext, AuditEventView } from './audit';
import type { UserRole, UserView } from './users';
import type { IntegrationLogFilters, IntegrationLogSummary } from './integration-logs';

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  integration_enabled: boolean;
}

/** A valid session: its tenant and user (active), found by the hash of the cookie's token. */
export interface SessionRecord {
  tokenHash: string;
  tenant: TenantRef;
  user: UserView;
}

export interface PageRequest {
  limit: number;
  after: CursorPosition | null;
}

export interface Page<T> {
  data: T[];
  /** Position of the last row when one more row exists, else null. */
  next: CursorPosition | null;
}

export interface KeyFilters {
  /** A partner id, or `null` for keys without a partner. */
  partner?: string | null;
  isActive?: boolean;
}

export interface NewKey {
  name: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  expiresAt: Date | null;
  rateLimitPerSecond: number | null;
  partnerId: string | null;
  isActive?: boolean;
}

export interface KeyPatch {
  name?: string;
  scopes?: string[];
  expiresAt?: Date | null;
  isActive?: boolean;
  rateLimitPerSecond?: number | null;
}

export interface NewPartner {
  name: string;
  template: string;
  defaultIdentifierField: string | null;
}

export interface PartnerPatch {
  name?: string;
  defaultIdentifierField?: string | null;
}

export interface SecurityEventFilters {
  reason?: string;
  apiKey?: string;
  createdAfter?: string;
  createdBefore?: string;
}

export interface SecurityEventView {
  id: string;
  occurred_at: string;
  request_id: string;
  reason: string;
  api_key: { id: string; name: string | null } | null;
  method: string;
  path: string;
  client_ip: string | null;
  count: number;
  first_at: string | null;
  last_at: string | null;
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
}

export interface UserChanges {
  name?: string;
  role?: UserRole;
  is_active?: boolean;
}

/**
 * A refused change: the record is absent, it would leave no active admin, the email or partner
 * name is taken, the partner still has keys, or a new key names a partner the tenant does not have.
 * (The mapping methods answer `not_found` for an absent partner or mapping.)
 */
export type StoreRefusal = 'not_found' | 'last_admin' | 'duplicate_email' | 'duplicate_name' | 'partner_in_use' | 'partner_not_found';
export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreRefusal };

export interface AdminStorePort {
  tenantBySlug(slug: string): Promise<TenantRef | null>;
  /** The session of one of the hashes on this tenant, if valid (idle and absolute limits, active user); touches `last_seen_at`. */
  findSession(tenantSlug: string, tokenHashes: readonly string[]): Promise<SessionRecord | null>;
  signInCandidate(tenantId: string, email: string): Promise<{ user: UserView; passwordHash: string } | null>;
  /** Failures of this email in the window, and the seconds until the oldest of the last `max` leaves it. */
  signInThrottle(tenantId: string, email: string): Promise<{ failures: number; retryAfterSeconds: number }>;
  recordSignInFailure(tenantId: string, email: string, audit: AuditContext): Promise<void>;
  createSession(tenantId: string, userId: string, tokenHash: string, replacedTokenHashes: readonly string[], audit: AuditContext): Promise<UserView>;
  endSession(tenantId: string, tokenHash: string, audit: AuditContext): Promise<void>;
  changePassword(tenantId: string, userId: string, passwordHash: string, keepTokenHash: string, audit: AuditContext): Promise<UserView>;
  passwordHashOf(tenantId: string, userId: string): Promise<string | null>;

  listKeys(tenantId: string, filters: KeyFilters, page: PageRequest): Promise<Page<ApiKeyRepresentation>>;
  getKey(tenantId: string, id: string): Promise<ApiKeyRepresentation | null>;
  /** Refused `partner_not_found` when `key.partnerId` names no partner of the tenant. */
  createKey(tenantId: string, key: NewKey, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>>;
  updateKey(tenantId: string, id: string, patch: KeyPatch, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>>;
  deleteKey(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>>;
  /** A new key copying the old one's scopes, partner, expiry and rate limit; one `api_key.rotated` event. */
  rotateKey(tenantId: string, id: string, key: { prefix: string; keyHash: string; name: (oldName: string) => string }, audit: AuditContext): Promise<StoreResult<ApiKeyRepresentation>>;

  listPartners(tenantId: string, page: PageRequest): Promise<Page<PartnerView>>;
  getPartner(tenantId: string, id: string): Promise<PartnerView | null>;
  /** Refused `duplicate_name` when the tenant has a partner of that name (case-insensitive). */
  createPartner(tenantId: string, partner: NewPartner, audit: AuditContext): Promise<StoreResult<PartnerView>>;
  updatePartner(tenantId: string, id: string, patch: PartnerPatch, audit: AuditContext): Promise<StoreResult<PartnerView>>;
  /** Refused `partner_in_use` while any API key is linked to it (auth-and-keys.md §8). */
  deletePartner(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<PartnerView>>;

  /** One page of a partner's mappings, newest first; refused `not_found` when the tenant has no such partner. */
  listMappings(tenantId: string, partnerId: string, filters: MappingFilters, page: PageRequest): Promise<StoreResult<Page<MappingView>>>;
  getMapping(tenantId: string, id: string): Promise<MappingView | null>;
  /**
   * Creates a mapping of the partner (`not_found` when absent); an active one deactivates the
   * partner's active mapping of the resource in the same transaction. One `mapping.created` event.
   */
  createMapping(tenantId: string, partnerId: string, mapping: NewMapping, audit: AuditContext): Promise<StoreResult<MappingView>>;
  /** Replaces the rules (and name / is_active when given); activation deactivates the other active one. One event, none when nothing changed. */
  replaceMapping(tenantId: string, id: string, replacement: MappingReplacement, audit: AuditContext): Promise<StoreResult<MappingView>>;
  deleteMapping(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<MappingView>>;
  /** Activates (deactivating the partner's active mapping of the resource, one transaction) or deactivates; nothing when already so. */
  setMappingActive(tenantId: string, id: string, active: boolean, audit: AuditContext): Promise<StoreResult<MappingView>>;

  setIntegrationEnabled(tenantId: string, enabled: boolean, audit: AuditContext): Promise<TenantRef>;

  listUsers(tenantId: string, page: PageRequest): Promise<Page<UserView>>;
  getUser(tenantId: string, id: string): Promise<UserView | null>;
  createUser(tenantId: string, user: NewUser, audit: AuditContext): Promise<StoreResult<UserView>>;
  updateUser(tenantId: string, id: string, changes: UserChanges, audit: AuditContext): Promise<StoreResult<UserView>>;
  deleteUser(tenantId: string, id: string, audit: AuditContext): Promise<StoreResult<UserView>>;

  listSecurityEvents(tenantId: string, filters: SecurityEventFilters, page: PageRequest): Promise<Page<SecurityEventView>>;
  listAuditEvents(tenantId: string, page: PageRequest): Promise<Page<AuditEventView>>;

  /** One page of the tenant's integration-log entries, newest first, without the payloads. */
  listIntegrationLogs(tenantId: string, filters: IntegrationLogFilters, page: PageRequest): Promise<Page<IntegrationLogSummary>>;
  /**
   * One whole entry of the tenant (integration-logs.md §2) as JSON text, composed from the stored
   * payloads without parsing them again; null when the tenant has no such entry.
   */
  getIntegrationLog(tenantId: string, id: string): Promise<string | null>;
}

/** The password hasher (argon2id in the gateway). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** A hash of a password nobody has, verified for unknown emails so that they take the same time. */
  dummyHash(): Promise<string>;
}
