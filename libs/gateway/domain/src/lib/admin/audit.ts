/**
 * Audit events of the admin surface (admin.md §5): who changed what, one event per change, written
 * by the store in the same transaction as the change. Pure construction only: no secret (key,
 * password, session token, CSRF token) is ever a field of these shapes — `changes` are built from
 * allow-listed, non-secret fields only.
 */

export type AuditActor = { type: 'cli' } | { type: 'user'; id: string | null; email: string };

export interface AuditTarget {
  type: 'api_key' | 'partner' | 'mapping' | 'user' | 'settings' | 'session' | 'tenant';
  id: string | null;
  name: string | null;
}

/** `{field: [before, after]}`. */
export type AuditChanges = Record<string, [unknown, unknown]>;

/** Who asks, and from where: passed with every change. */
export interface AuditContext {
  actor: AuditActor;
  requestId: string | null;
  clientIp: string | null;
}

export const CLI_AUDIT: AuditContext = { actor: { type: 'cli' }, requestId: null, clientIp: null };

export interface AuditEventInput {
  action: string;
  actor: AuditActor;
  target: AuditTarget;
  changes: AuditChanges;
  requestId: string | null;
  clientIp: string | null;
}

/** The event of one change. */
export function auditEvent(context: AuditContext, action: string, target: AuditTarget, changes: AuditChanges = {}): AuditEventInput {
  return { action, actor: context.actor, target, changes, requestId: context.requestId, clientIp: context.clientIp };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `[before, after]` pairs of the listed fields that differ (a created record: `before` null). */
export function diffChanges<T extends object>(before: T | null, after: T | null, fields: readonly (keyof T & string)[]): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const b = before === null ? null : ((before as Record<string, unknown>)[field] ?? null);
    const a = after === null ? null : ((after as Record<string, unknown>)[field] ?? null);
    if (!sameValue(a, b)) changes[field] = [b, a];
  }
  return changes;
}

/** Fields of an API key an audit event may name (never the key or its hash). */
export const AUDITED_KEY_FIELDS = ['name', 'prefix', 'scopes', 'partner', 'expires_at', 'is_active', 'rate_limit_per_second'] as const;
/** Fields of a partner an audit event may name. */
export const AUDITED_PARTNER_FIELDS = ['name', 'template', 'default_identifier_field'] as const;
/**
 * Fields of a field mapping an audit event may name (custom-integrations.md §2.2): all of its
 * writable fields, the rules in full, so that the event says exactly which mapping was in force.
 */
export const AUDITED_MAPPING_FIELDS = ['partner', 'resource', 'name', 'is_active', 'identifier_field', 'field_map', 'nested_mappings', 'static_values'] as const;
/** Fields of a user an audit event may name (never the password or its hash). */
export const AUDITED_USER_FIELDS = ['email', 'name', 'role', 'is_active'] as const;

/** `api_key.revoked` / `api_key.activated` when only the switch moved, else `api_key.updated`. */
export function keyUpdateAction(changes: AuditChanges): string {
  const fields = Object.keys(changes);
  if (fields.length === 1 && fields[0] === 'is_active') return changes['is_active']![1] === false ? 'api_key.revoked' : 'api_key.activated';
  return 'api_key.updated';
}

/** `mapping.activated` / `mapping.deactivated` when only `is_active` moved (and, on activation, the `active_mapping` it replaced), else `mapping.updated`. */
export function mappingUpdateAction(changes: AuditChanges): string {
  const fields = Object.keys(changes).filter((f) => f !== 'active_mapping');
  if (fields.length === 1 && fields[0] === 'is_active') return changes['is_active']![1] === false ? 'mapping.deactivated' : 'mapping.activated';
  return 'mapping.updated';
}

/** `user.disabled` / `user.enabled` when only `is_active` moved, else `user.updated`. */
export function userUpdateAction(changes: AuditChanges): string {
  const fields = Object.keys(changes);
  if (fields.length === 1 && fields[0] === 'is_active') return changes['is_active']![1] === false ? 'user.disabled' : 'user.enabled';
  return 'user.updated';
}

/** The representation of a stored audit event (admin.md §5). */
export interface AuditEventView {
  id: string;
  occurred_at: string;
  action: string;
  actor: AuditActor;
  target: AuditTarget;
  changes: AuditChanges;
  request_id: string | null;
  client_ip: string | null;
}
