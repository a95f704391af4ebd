/**
 * Paths of the field-mapping engine (custom-integrations.md §3): parsing, reading, writing and
 * removing, with the spec's absent / type-mismatch / write-conflict outcomes.
 *
 * Written by hand rather than with lodash / dot-prop / object-mapper / JSONata: those turn
 * `a.0.b` into arrays, overwrite where the spec demands a write conflict, drop unmapped keys or
 * have no reverse direction (docs/architecture.md, "Mapping engine"). Values are JSON values as the kernel's
 * `parseJsonText` produces them: plain objects, arrays, strings, numbers, booleans, `null` — and
 * `JsonNumberLiteral`s (numbers a double cannot hold), which are leaves carried by reference,
 * never containers and never converted.
 */

/** One step of a path: a string is an object-member step, a number an array-element step. */
export type Step = string | number;

/** The outcome "no value here" of a read (distinct from a `null` value). */
export const ABSENT: unique symbol = Symbol('absent');
export type Absent = typeof ABSENT;

/** The JSON type names used in the spec's messages (`Expected an array, got object.`). */
export type JsonTypeName = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** A container the next step needs. */
export type ContainerKind = 'object' | 'array';

/** The longest path the grammar allows (§2.3 schema) and the most steps (§2.4 rule 1). */
export const MAX_PATH_LENGTH = 256;
export const MAX_PATH_STEPS = 16;
export const MAX_PATH_INDEX = 999;

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** A plain JSON object (what `JSON.parse` / `parseJsonText` create), not an array, not `null`, not a `JsonNumberLiteral`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The spec's type name of a JSON value; a `JsonNumberLiteral` (or any other non-plain object) is a `number`/`object` leaf. */
export function typeName(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      // A JsonNumberLiteral (kernel) is a number the parser kept as its literal.
      return isPlainObject(value) || (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'JsonNumberLiteral' ? 'object' : 'number';
    default:
      return 'object';
  }
}

/** Sets an own data member, also for the key `__proto__` (which plain assignment would turn into a prototype change). */
export function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * A deep copy of a JSON value: plain objects and arrays are copied, every other value (strings,
 * numbers, booleans, `null`, `JsonNumberLiteral`s) is shared — they are immutable.
 */
export function deepCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = deepCopy(value[i] as unknown);
    return out as T;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setMember(out, key, deepCopy(value[key]));
  return out as T;
}

/**
 * Parses a path (§3 grammar: `segment *("." segment)`, `segment = key *("[" index "]")`, indexes
 * 0–999 without leading zeros). Returns its steps, or `null` when the text is not a path or is
 * longer than 256 characters. The step limit (16) is checked by save-time validation, not here.
 */
export function parsePath(text: string): Step[] | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_PATH_LENGTH) return null;
  const steps: Step[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    // key: 1+ characters other than . [ ]
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x2e || c === 0x5b || c === 0x5d) break;
      i++;
    }
    if (i === start) return null;
    steps.push(text.slice(start, i));
    // indexes
    while (i < n && text.charCodeAt(i) === 0x5b) {
      i++;
      const digitsStart = i;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      const digits = text.slice(digitsStart, i);
      if (digits.length === 0 || digits.length > 3 || (digits.length > 1 && digits.charCodeAt(0) === 0x30)) return null;
      if (i >= n || text.charCodeAt(i) !== 0x5d) return null;
      i++;
      steps.push(Number(digits));
    }
    if (i === n) return steps;
    if (text.charCodeAt(i) !== 0x2e) return null; // `]` without `[`, or characters after an index
    i++;
    if (i === n) return null; // trailing dot
  }
}

/** Writes steps as path text: keys joined by `.`, indexes as `[i]` (the inverse of {@link parsePath}). */
export function formatPath(steps: readonly Step[]): string {
  let out = '';
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step === 'number') out += `[${step}]`;
    else out += i === 0 ? step : `.${step}`;
  }
  return out;
}

/**
 * A read that ran into a value of the wrong type (§3.1): `depth` steps lead to the offending
 * value (so its path is `steps.slice(0, depth)`), which is not the container the next step needs.
 */
export class PathMismatch {
  constructor(
    readonly depth: number,
    readonly expected: ContainerKind,
    readonly got: JsonTypeName,
  ) {}

  /** The spec's message: `Expected an object, got string.` */
  get message(): string {
    return `Expected ${this.expected === 'object' ? 'an object' : 'an array'}, got ${this.got}.`;
  }
}

/** The result of a read: the value (possibly `null`), {@link ABSENT}, or a {@link PathMismatch}. */
export type ReadResult = unknown;

/**
 * Reads `steps` from `doc` (§3.1): a key step on an object → that own member or absent; an
 * index step on an array → that element or absent; any step on `null` → absent; a key step on a
 * non-object or an index step on a non-array → a {@link PathMismatch}.
 */
export function readPath(doc: unknown, steps: readonly Step[]): unknown {
  let current: unknown = doc;
  for (let i = 0; i < steps.length; i++) {
    if (current === null) return ABSENT;
    const step = steps[i];
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return new PathMismatch(i, 'array', typeName(current));
      if (step >= current.length) return ABSENT;
      current = current[step];
    } else {
      if (!isPlainObject(current)) return new PathMismatch(i, 'object', typeName(current));
      if (!hasOwnProperty.call(current, step)) return ABSENT;
      current = current[step];
    }
  }
  return current;
}

/**
 * A write that must pass through an existing value that is neither `null` nor the container the
 * next step needs (§3.3): `depth` steps lead to it.
 */
export class WriteConflict {
  constructor(
    readonly depth: number,
    readonly expected: ContainerKind,
    readonly got: JsonTypeName,
  ) {}
}

/**
 * Writes `value` at `steps` in `doc` (§3.3), in place and without copying `value` (callers copy):
 * absent or `null` intermediates become `{}` (next step a key) or `[]` (next step an index),
 * an index past the end extends the array with `null`s, the last step sets or overwrites. An
 * existing intermediate of another type is a {@link WriteConflict} (then nothing was changed
 * beyond the containers created on the way). An empty path writes nothing.
 */
export function writeSteps(doc: unknown, steps: readonly Step[], value: unknown): WriteConflict | undefined {
  let current: unknown = doc;
  const last = steps.length - 1;
  for (let i = 0; i <= last; i++) {
    const step = steps[i];
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return new WriteConflict(i, 'array', typeName(current));
      const array = current as unknown[];
      while (array.length < step) array.push(null);
      if (i === last) {
        array[step] = value;
        return undefined;
      }
      let next = step < array.length ? array[step] : null;
      if (next === null || next === undefined) {
        next = typeof steps[i + 1] === 'number' ? [] : {};
        array[step] = next;
      }
      current = next;
    } else {
      if (!isPlainObject(current)) return new WriteConflict(i, 'object', typeName(current));
      if (i === last) {
        setMember(current, step, value);
        return undefined;
      }
      let next = hasOwnProperty.call(current, step) ? current[step] : null;
      if (next === null || next === undefined) {
        next = typeof steps[i + 1] === 'number' ? [] : {};
        setMember(current, step, next);
      }
      current = next;
    }
  }
  return undefined;
}

/** {@link writeSteps} of a deep copy of `value` (§3.3: values are always deep-copied). */
export function writePath(doc: unknown, steps: readonly Step[], value: unknown): WriteConflict | undefined {
  return writeSteps(doc, steps, deepCopy(value));
}

/**
 * Removes `steps` from `doc` in place (§3.2): deletes the member named by the last step from its
 * parent object; nothing happens when the parent does not exist or the last step is an index
 * (array elements are never deleted). After a deletion, ancestors that became empty objects
 * are deleted from their parent objects, up to the root, an ancestor whose parent is an array,
 * or the first non-empty ancestor. Returns whether a member was deleted.
 */
export function removePath(doc: unknown, steps: readonly Step[]): boolean {
  const n = steps.length;
  if (n === 0 || typeof steps[n - 1] === 'number') return false;
  const chain: unknown[] = [doc]; // chain[i] holds steps[i]
  let current: unknown = doc;
  for (let i = 0; i < n - 1; i++) {
    const step = steps[i];
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return false;
      current = current[step];
    } else {
      if (!isPlainObject(current) || !hasOwnProperty.call(current, step)) return false;
      current = current[step];
    }
    chain.push(current);
  }
  const key = steps[n - 1] as string;
  if (!isPlainObject(current) || !hasOwnProperty.call(current, key)) return false;
  delete current[key];
  for (let i = n - 1; i >= 1; i--) {
    const ancestor = chain[i];
    if (!isPlainObject(ancestor) || Object.keys(ancestor).length > 0) break;
    const parentStep = steps[i - 1];
    if (typeof parentStep === 'number') break; // its parent is an array: the empty object stays
    delete (chain[i - 1] as Record<string, unknown>)[parentStep];
  }
  return true;
}

/** Whether `prefix` equals `steps` or is a step-prefix of it. */
export function isStepPrefix(prefix: readonly Step[], steps: readonly Step[]): boolean {
  if (prefix.length > steps.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== steps[i]) return false;
  return true;
}
