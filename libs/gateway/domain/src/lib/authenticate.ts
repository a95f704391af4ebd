import { isWellFormedApiKey } from './api-keys';
import { tenantSlugFromHost } from './host';
import type { KeyRecord } from './types';

export type AuthFailureCode = 'NOT_AUTHENTICATED' | 'AUTHENTICATION_FAILED' | 'KEY_EXPIRED' | 'INTEGRATION_DISABLED';

export type AuthOutcome =
  | { ok: true; key: KeyRecord; tenantSlug: string }
  | {
      ok: false;
      code: AuthFailureCode;
      /** The slug the host names, if any (it may not exist). */
      tenantSlug: string | null;
      /** The key, only when it was identified as a key of the host's tenant. */
      key: KeyRecord | null;
    };

export interface AuthenticationInput {
  /** The `x-api-key` header as received; an array means it was sent more than once. */
  apiKey: string | string[] | undefined;
  host: string | undefined;
}

export interface AuthenticationDeps {
  baseDomain: string;
  now(): Date;
  hashApiKey(key: string): string;
  findKeyByHash(hash: string): Promise<KeyRecord | null>;
}

/** The header value to authenticate with, or why there is none. */
function readApiKeyHeader(apiKey: string | string[] | undefined): { kind: 'absent' } | { kind: 'repeated' } | { kind: 'value'; value: string } {
  if (apiKey === undefined) return { kind: 'absent' };
  if (Array.isArray(apiKey)) {
    if (apiKey.length === 0) return { kind: 'absent' };
    if (apiKey.length > 1) return { kind: 'repeated' };
    return readApiKeyHeader(apiKey[0]);
  }
  const value = apiKey.trim();
  return value === '' ? { kind: 'absent' } : { kind: 'value', value };
}

/**
 * Steps 2–5 of the processing order (auth-and-keys.md §2). Unknown, malformed, repeated,
 * revoked and foreign keys and unknown tenants all end as the same `AUTHENTICATION_FAILED`.
 * A well-formed key is always looked up, whether or not the host names a tenant, so an unknown
 * tenant cannot be told apart by timing; a malformed value is never looked up.
 */
export async function authenticate(input: AuthenticationInput, deps: AuthenticationDeps): Promise<AuthOutcome> {
  const tenantSlug = tenantSlugFromHost(input.host, deps.baseDomain);
  const header = readApiKeyHeader(input.apiKey);
  if (header.kind === 'absent') return { ok: false, code: 'NOT_AUTHENTICATED', tenantSlug, key: null };
  if (header.kind === 'repeated' || !isWellFormedApiKey(header.value)) {
    return { ok: false, code: 'AUTHENTICATION_FAILED', tenantSlug, key: null };
  }
  const record = await deps.findKeyByHash(deps.hashApiKey(header.value));
  const ofThisTenant = record !== null && tenantSlug !== null && record.tenantSlug.toLowerCase() === tenantSlug;
  if (!ofThisTenant) return { ok: false, code: 'AUTHENTICATION_FAILED', tenantSlug, key: null };
  if (!record.isActive) return { ok: false, code: 'AUTHENTICATION_FAILED', tenantSlug, key: record };
  // Written as "not later than now" so an unreadable expiry counts as expired.
  if (record.expiresAt !== null && !(record.expiresAt.getTime() > deps.now().getTime())) {
    return { ok: false, code: 'KEY_EXPIRED', tenantSlug, key: record };
  }
  if (!record.tenantIntegrationEnabled) return { ok: false, code: 'INTEGRATION_DISABLED', tenantSlug, key: record };
  return { ok: true, key: record, tenantSlug };
}
