import { perResource, RESOURCE_NAMES, resourceActions } from '@datamingle/contracts';
import type { Action, Resource } from './types';
import { fail, ok, type Result } from './result';

/** The resources of the scope grammar: the resource registry's, in its order. */
export const RESOURCES: readonly Resource[] = RESOURCE_NAMES;

/**
 * Actions a resource supports, from the operations the registry gives it: inventory has no
 * `delete` (auth-and-keys.md §5.1).
 */
export const RESOURCE_ACTIONS: Readonly<Record<Resource, readonly Action[]>> = perResource(resourceActions);

/** Every canonical scope string, in the order of the grammar table. */
export const ALL_SCOPES: readonly string[] = [
  'integrations.*',
  ...RESOURCES.flatMap((r) => [`integrations.${r}.*`, ...RESOURCE_ACTIONS[r].map((a) => `integrations.${r}.${a}`)]),
];

/** Deprecated spellings still honoured, with their canonical form. */
export const LEGACY_SCOPE_ALIASES: Readonly<Record<string, string>> = {
  'integrations.inventorys.*': 'integrations.inventory.*',
  'integrations.inventorys.read': 'integrations.inventory.read',
  'integrations.inventorys.write': 'integrations.inventory.write',
};

export const DEFAULT_SCOPES: readonly string[] = ['integrations.*'];
export const MAX_SCOPES_PER_KEY = 50;

const CANONICAL = new Set(ALL_SCOPES);

/** The canonical form of an accepted scope string, or `null` when the grammar does not accept it. */
export function canonicalScope(scope: string): string | null {
  if (CANONICAL.has(scope)) return scope;
  return Object.prototype.hasOwnProperty.call(LEGACY_SCOPE_ALIASES, scope) ? LEGACY_SCOPE_ALIASES[scope]! : null;
}

export interface ScopeValidationError {
  reason: 'empty' | 'too_many' | 'not_a_string' | 'unknown_scope';
  /** Field message in the platform's catalogue wording (errors.md §5.2). */
  message: string;
  /** The offending entry (for `not_a_string` / `unknown_scope`). */
  value?: unknown;
  /** Its position in the input. */
  index?: number;
}

/**
 * Scopes as stored for a key: default `["integrations.*"]` when omitted, legacy aliases replaced by
 * their canonical form, duplicates removed (first occurrence kept), 1–50 entries. The 50-entry
 * limit applies to the list as sent: after de-duplication no list can exceed it.
 */
export function canonicalizeScopes(input: readonly unknown[] | undefined): Result<string[], ScopeValidationError> {
  if (input === undefined) return ok([...DEFAULT_SCOPES]);
  if (input.length === 0) return fail({ reason: 'empty', message: 'This list may not be empty.' });
  if (input.length > MAX_SCOPES_PER_KEY) {
    return fail({ reason: 'too_many', message: `Ensure this field has no more than ${MAX_SCOPES_PER_KEY} elements.` });
  }
  const out: string[] = [];
  for (let index = 0; index < input.length; index++) {
    const value = input[index];
    if (typeof value !== 'string') return fail({ reason: 'not_a_string', message: 'Not a valid string.', value, index });
    const canonical = canonicalScope(value);
    if (canonical === null) {
      return fail({ reason: 'unknown_scope', message: `"${value}" is not a valid choice.`, value, index });
    }
    if (!out.includes(canonical)) out.push(canonical);
  }
  return ok(out);
}

/** `integrations.<resource>.<action>`. */
export function requiredScope(resource: Resource, action: Action): string {
  return `integrations.${resource}.${action}`;
}

/** A scope as evaluated: the legacy `inventorys` resource is read as `inventory` (§5.3). */
function evaluatedForm(scope: string): string {
  return scope.startsWith('integrations.inventorys.') ? `integrations.inventory.${scope.slice('integrations.inventorys.'.length)}` : scope;
}

/**
 * Whether any scope, after mapping `inventorys` to `inventory`, equals `integrations.*`,
 * `integrations.<r>.*` or `integrations.<r>.<a>` (auth-and-keys.md §5.3). Matching is exact.
 */
export function scopeAllows(scopes: readonly string[], resource: Resource, action: Action): boolean {
  const granting = new Set(['integrations.*', `integrations.${resource}.*`, requiredScope(resource, action)]);
  return scopes.some((s) => granting.has(evaluatedForm(s)));
}
