/** API keys on the admin API (auth-and-keys.md §4): representation and the validation of create and update bodies. */
import { isValidApiString, parseInstant } from '@datamingle/kernel';
import { canonicalizeScopes } from '../scopes';
import { addError, charLength, type FieldErrors } from './users';

/** auth-and-keys.md §4.1 (never the key or its hash). */
export interface ApiKeyRepresentation {
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

export const MAX_RATE_LIMIT = 10_000;

export interface KeyCreateInput {
  name: string;
  scopes: string[];
  expiresAt: Date | null;
  isActive: boolean;
  rateLimitPerSecond: number | null;
  /** The linked partner's id (lower case), or null for a pass-through key. */
  partnerId: string | null;
}

export interface KeyUpdateInput {
  name?: string;
  scopes?: string[];
  expiresAt?: Date | null;
  isActive?: boolean;
  rateLimitPerSecond?: number | null;
}

const DATETIME_MESSAGE = 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.';

function nameField(errors: FieldErrors, value: unknown): string | undefined {
  if (value === null) return void addError(errors, 'name', 'This field may not be null.');
  // U+0000 and unpaired surrogates cannot be stored (text, and the jsonb of the audit event).
  if (typeof value !== 'string' || !isValidApiString(value)) return void addError(errors, 'name', 'Not a valid string.');
  const trimmed = value.trim();
  if (trimmed === '') return void addError(errors, 'name', 'This field may not be blank.');
  if (charLength(trimmed) > 255) return void addError(errors, 'name', 'Ensure this field has no more than 255 characters.');
  return trimmed;
}

function scopesField(errors: FieldErrors, value: unknown): string[] | undefined {
  if (value === null) return void addError(errors, 'scopes', 'This field may not be null.');
  if (!Array.isArray(value)) return void addError(errors, 'scopes', 'Expected a list of items.');
  const result = canonicalizeScopes(value);
  if (!result.ok) {
    const path = result.error.index === undefined ? 'scopes' : `scopes[${result.error.index}]`;
    return void addError(errors, path, result.error.message);
  }
  return result.value;
}

function expiryField(errors: FieldErrors, value: unknown, now: Date): Date | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string') return void addError(errors, 'expires_at', DATETIME_MESSAGE);
  const instant = parseInstant(value);
  if (instant === null) return void addError(errors, 'expires_at', DATETIME_MESSAGE);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return void addError(errors, 'expires_at', DATETIME_MESSAGE);
  if (date.getTime() <= now.getTime()) return void addError(errors, 'expires_at', 'Ensure this datetime is in the future.');
  return date;
}

function rateLimitField(errors: FieldErrors, value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) return void addError(errors, 'rate_limit_per_second', 'A valid integer is required.');
  if (value < 1) return void addError(errors, 'rate_limit_per_second', 'Ensure this value is greater than or equal to 1.');
  if (value > MAX_RATE_LIMIT) return void addError(errors, 'rate_limit_per_second', `Ensure this value is less than or equal to ${MAX_RATE_LIMIT}.`);
  return value;
}

function activeField(errors: FieldErrors, value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') return void addError(errors, 'is_active', value === null ? 'This field may not be null.' : 'Must be a valid boolean.');
  return value;
}

type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function partnerField(errors: FieldErrors, value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string' || !UUID.test(value)) return void addError(errors, 'partner', 'Must be a valid UUID.');
  return value.toLowerCase();
}

/** `POST api-keys/`: `name` required; `scopes` default `["integrations.*"]`; `partner` a partner id or null (whether the tenant has it is the store's check). */
export function validateKeyCreate(body: Record<string, unknown>, now: Date): Validated<KeyCreateInput> {
  const errors: FieldErrors = {};
  const name = body['name'] === undefined ? void addError(errors, 'name', 'This field is required.') : nameField(errors, body['name']);
  const scopes = body['scopes'] === undefined ? canonicalizeScopes(undefined) : null;
  const scopeValue = scopes && scopes.ok ? scopes.value : scopesField(errors, body['scopes']);
  const partner = body['partner'] === undefined ? null : partnerField(errors, body['partner']);
  const expiresAt = body['expires_at'] === undefined ? null : expiryField(errors, body['expires_at'], now);
  const isActive = body['is_active'] === undefined ? true : activeField(errors, body['is_active']);
  const rate = body['rate_limit_per_second'] === undefined ? null : rateLimitField(errors, body['rate_limit_per_second']);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { name: name!, scopes: scopeValue!, expiresAt: expiresAt ?? null, isActive: isActive!, rateLimitPerSecond: rate ?? null, partnerId: partner ?? null } };
}

/** `PATCH api-keys/{id}/`: `name`, `scopes`, `expires_at`, `is_active`, `rate_limit_per_second`; `partner` cannot change. */
export function validateKeyUpdate(body: Record<string, unknown>, now: Date): Validated<KeyUpdateInput> {
  const errors: FieldErrors = {};
  const patch: KeyUpdateInput = {};
  if (body['name'] !== undefined) patch.name = nameField(errors, body['name']);
  if (body['scopes'] !== undefined) patch.scopes = scopesField(errors, body['scopes']);
  if (body['expires_at'] !== undefined) patch.expiresAt = expiryField(errors, body['expires_at'], now);
  if (body['is_active'] !== undefined) patch.isActive = activeField(errors, body['is_active']);
  if (body['rate_limit_per_second'] !== undefined) patch.rateLimitPerSecond = rateLimitField(errors, body['rate_limit_per_second']);
  if (body['partner'] !== undefined) addError(errors, 'partner', 'This field cannot be changed.');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: patch };
}

/** The name of a rotated key: `<name> (rotated <date>)`, cut to 255 characters. */
export function rotatedKeyName(name: string, now: Date): string {
  const suffix = ` (rotated ${now.toISOString().slice(0, 10)})`;
  const room = 255 - charLength(suffix);
  return [...name].slice(0, Math.max(0, room)).join('') + suffix;
}
