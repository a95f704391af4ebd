import { jsonEqual } from './json';

/**
 * The `changes` of a record-history entry (history-feed-idempotency.md §1): each changed field of
 * a record's representation mapped to `[before, after]`. Field names are the representation's
 * (internal names), nested objects are dot paths (`address.city`) and the elements of arrays of
 * objects are `items[<i>].<field>`; an array of plain values (or a mixed one) is one value. A
 * field that does not exist on one side is `null` there (so a record's first version lists
 * every field as `[null, value]`).
 */
export type FieldChanges = Record<string, [unknown, unknown]>;

/** Fields every representation carries that say nothing about a change: the record's id and its own timestamps. */
export const UNTRACKED_FIELDS: ReadonlySet<string> = new Set(['id', 'created_at', 'updated_at']);

function isObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Flattens a representation into leaf paths (insertion order kept). */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    // An empty object is a value of its own (otherwise `{}` and absent would look the same).
    if (keys.length === 0 && prefix !== '') out.set(prefix, value);
    for (const key of keys) {
      if (prefix === '' && UNTRACKED_FIELDS.has(key)) continue;
      flatten(value[key], prefix === '' ? key : `${prefix}.${key}`, out);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
    value.forEach((element, i) => flatten(element, `${prefix}[${i}]`, out));
    return;
  }
  out.set(prefix, value);
}

/**
 * The fields that differ between two representations of a record, as `[before, after]`, in the
 * order they appear in `after` (then the ones only `before` has). `before` is `null` for a
 * record's first version.
 */
export function fieldChanges(before: unknown, after: unknown): FieldChanges {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, '', b);
  flatten(after, '', a);
  const changes: FieldChanges = {};
  for (const [path, value] of a) {
    const old = b.has(path) ? b.get(path) : null;
    if (!jsonEqual(old, value)) changes[path] = [old ?? null, value ?? null];
  }
  for (const [path, old] of b) {
    if (!a.has(path) && old !== null) changes[path] = [old, null];
  }
  return changes;
}
