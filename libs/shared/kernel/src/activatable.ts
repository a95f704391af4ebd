import { jsonEqual } from './json';

/** The events a partial update or a deactivation of an activatable record produces (products, locations). */
export type ActivatableEvent<Changes> =
  | { kind: 'updated'; data: { changes: Changes; updated_at: string } }
  | { kind: 'reactivated'; data: { is_active: true; updated_at: string } }
  | { kind: 'deactivated'; data: { is_active: false; updated_at: string } };

/**
 * A partial update of a record with an `is_active` flag: only fields whose value really changes
 * count (objects compared by content); no change → no event; a change of `is_active` alone →
 * reactivated / deactivated; anything else → one update event with every changed field.
 */
export function decideActivatableUpdate<Record extends { is_active: boolean }, Field extends keyof Record & string>(
  current: Record,
  input: Partial<Pick<Record, Field>>,
  fields: readonly Field[],
  objectFields: readonly Field[],
  updatedAt: string,
): ActivatableEvent<Partial<Pick<Record, Field>>>[] {
  const changes: Partial<Pick<Record, Field>> = {};
  for (const field of fields) {
    const next = input[field];
    if (next === undefined) continue;
    const differs = objectFields.includes(field) ? !jsonEqual(current[field], next) : current[field] !== next;
    if (differs) changes[field] = next;
  }
  const keys = Object.keys(changes);
  if (keys.length === 0) return [];
  if (keys.length === 1 && keys[0] === 'is_active') {
    return [
      (changes as { is_active?: boolean }).is_active === true
        ? { kind: 'reactivated', data: { is_active: true, updated_at: updatedAt } }
        : { kind: 'deactivated', data: { is_active: false, updated_at: updatedAt } },
    ];
  }
  return [{ kind: 'updated', data: { changes, updated_at: updatedAt } }];
}

/** Deactivation (DELETE): an event only when the record is active. */
export function decideActivatableDeactivation(current: { is_active: boolean }, updatedAt: string): ActivatableEvent<never>[] {
  return current.is_active ? [{ kind: 'deactivated', data: { is_active: false, updated_at: updatedAt } }] : [];
}
