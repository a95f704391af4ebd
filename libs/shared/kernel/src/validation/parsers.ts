/**
 * Composable field parsers (spec/conventions.md §6.2 and §7).
 *
 * A parser receives the raw JSON value of one field — `undefined` when the field is absent —
 * and returns the converted value or the list of issues. Raw values come from the kernel's body
 * parser, so a number may also be a {@link JsonNumberLiteral} (a literal that a double cannot carry
 * exactly, such as `1e400` or `12345678901234567`): every parser judges it by its exact value and
 * never returns it. Issue paths are relative to the field
 * (`''` for the field itself, `'.key'` / `'[0].key'` for nested values).
 */
import { codePointLength, isValidApiString } from '../unicode';
import { hasOwn, isJsonObject, jsonByteLength } from '../json';
import { parseDatetime } from '../datetime';
import { JsonNumberLiteral } from '../json-number';
import { Messages } from './messages';

export interface FieldIssue {
  /** Relative path: `''` (the field itself), `'.key'`, `'[3]'`, `'[3].quantity'`. */
  path: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };
export type FieldParser<T> = (input: unknown) => Parsed<T>;
export type ParserOutput<P> = P extends FieldParser<infer T> ? T : never;

export interface PresenceOptions {
  /** Absent → `This field is required.` (default: optional, absent → `undefined`). */
  required?: boolean;
  /** `null` accepted and returned as `null` (default: `This field may not be null.`). */
  nullable?: boolean;
}

/** The extra output values implied by presence options. */
export type Presence<O> =
  | (O extends { required: true } ? never : undefined)
  | (O extends { nullable: true } ? null : never);

export const accept = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const reject = (message: string, path = ''): Parsed<never> => ({ ok: false, issues: [{ path, message }] });
export const rejectAll = (issues: FieldIssue[]): Parsed<never> => ({ ok: false, issues });

/** Joins a base path and a relative issue path: `joinPath('items', '[0].quantity')`. */
export function joinPath(base: string, rel: string): string {
  if (rel === '') return base;
  if (base === '') return rel.startsWith('.') ? rel.slice(1) : rel;
  return base + rel;
}

/** Handles absent / null according to the presence options, then delegates. */
function present<T>(
  options: PresenceOptions,
  input: unknown,
  parse: (value: unknown) => Parsed<T>,
  nullValue: () => Parsed<T | null> = () => accept(null),
): Parsed<T | null | undefined> {
  if (input === undefined) return options.required ? reject(Messages.required) : accept(undefined);
  if (input === null) return options.nullable ? nullValue() : reject(Messages.notNull);
  return parse(input);
}

// ---------------------------------------------------------------------------------------------
// string

export interface StrOptions extends PresenceOptions {
  /** Maximum length in code points. */
  max?: number;
  /** Remove leading/trailing whitespace before validation (identifier-like fields). */
  trim?: boolean;
  /**
   * What an empty string (after trimming) means: `'allow'` (kept as `''`), `'error'`
   * (`This field may not be blank.`), `'null'` (stored as `null`).
   * Default: `'error'` for trimmed fields, `'allow'` otherwise.
   */
  blank?: 'allow' | 'error' | 'null';
  /** Shorthand for `blank: 'null'`. */
  allowBlankAsNull?: boolean;
}

type StrExtra<O> = O extends { allowBlankAsNull: true } ? null : O extends { blank: 'null' } ? null : never;

/**
 * Converts a JSON value to a string: a JSON string, or a JSON integer rendered as its decimal
 * text, digit for digit as sent (`4512` → `"4512"`, `12345678901234567` → `"12345678901234567"`,
 * `1.2345678901234567e16` → `"12345678901234567"`, `1e23` → `"100000000000000000000000"`). Floats,
 * numbers outside the range of a double (`1e400`), booleans, arrays, objects and strings
 * containing U+0000 or an unpaired surrogate → `null` (`Not a valid string.`).
 */
export function toApiString(input: unknown): string | null {
  if (typeof input === 'string') return isValidApiString(input) ? input : null;
  // A plain number is exact (the body parser keeps every other literal as a JsonNumberLiteral), so
  // its shortest text is the literal's value; `BigInt(1e23)` would give the double's binary
  // expansion 99999999999999991611392 instead.
  if (typeof input === 'number') return Number.isInteger(input) ? numberToPlainDecimal(input) : null;
  if (input instanceof JsonNumberLiteral) return input.toIntegerText();
  return null;
}

export function str<const O extends StrOptions = StrOptions>(options?: O): FieldParser<string | Presence<O> | StrExtra<O>> {
  const o: StrOptions = options ?? {};
  const blank = o.allowBlankAsNull ? 'null' : (o.blank ?? (o.trim ? 'error' : 'allow'));
  return ((input: unknown) =>
    present(o, input, (value) => {
      let s = toApiString(value);
      if (s === null) return reject(Messages.invalidString);
      if (o.trim) s = s.trim();
      if (s === '') {
        if (blank === 'error') return reject(Messages.blank);
        if (blank === 'null') return accept(null);
      }
      if (o.max !== undefined && codePointLength(s) > o.max) return reject(Messages.maxLength(o.max));
      return accept(s);
    })) as FieldParser<string | Presence<O> | StrExtra<O>>;
}

// ---------------------------------------------------------------------------------------------
// integer

export const MAX_SAFE_MAGNITUDE = 2 ** 53;

export interface IntegerOptions extends PresenceOptions {
  min?: number;
  max?: number;
}

/**
 * Any JSON number whose value is integral (`10`, `10.0`, `1e3`; `-0` → `0`), magnitude ≤ 2^53.
 * Strings, booleans, fractional and non-finite numbers → `A valid integer is required.` A
 * {@link JsonNumberLiteral} is judged by its exact value (`9007199254740993`, `1e400`,
 * `1.00000000000000000001` are rejected; they would round to 2^53, `Infinity` and 1).
 */
export function integer<const O extends IntegerOptions = IntegerOptions>(options?: O): FieldParser<number | Presence<O>> {
  const o: IntegerOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => {
      const exact = value instanceof JsonNumberLiteral ? value.toSafeInteger() : value;
      if (typeof exact !== 'number' || !Number.isInteger(exact) || Math.abs(exact) > MAX_SAFE_MAGNITUDE) {
        return reject(Messages.invalidInteger);
      }
      const n = exact === 0 ? 0 : exact;
      if (o.min !== undefined && n < o.min) return reject(Messages.minValue(o.min));
      if (o.max !== undefined && n > o.max) return reject(Messages.maxValue(o.max));
      return accept(n);
    })) as FieldParser<number | Presence<O>>;
}

// ---------------------------------------------------------------------------------------------
// decimal

export interface DecimalOptions extends PresenceOptions {
  /** Maximum digits before the decimal point (default 12). */
  maxIntegerDigits?: number;
  /** Maximum digits after the decimal point (default 4). */
  maxDecimalPlaces?: number;
  min?: number;
  max?: number;
}

const PLAIN_DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Plain decimal text (no exponent) of a finite JS number: `1e21` → `1000000000000000000000`, `1e-7` → `0.0000001`. */
export function numberToPlainDecimal(value: number): string {
  const sign = value < 0 ? '-' : '';
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(value)));
  if (!m) throw new RangeError(`Not a finite number: ${value}`);
  const digits = m[1] + (m[2] ?? '');
  const point = m[1].length + Number(m[3] ?? 0);
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + text;
}

function leadingZeros(s: string): number {
  let k = 0;
  while (k < s.length && s.charCodeAt(k) === 0x30) k++;
  return k;
}

function trailingZeros(s: string): number {
  let k = 0;
  while (k < s.length && s.charCodeAt(s.length - 1 - k) === 0x30) k++;
  return k;
}

/** Plain text of `0.<digits> × 10^point` (no sign); `digits` without leading or trailing zeros. */
function plainDecimal(digits: string, point: number): string {
  if (digits === '') return '0';
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A decimal: a finite JSON number, or a string holding a plain decimal number (`"12.50"`,
 * surrounding whitespace ignored; no exponent). Digits are counted on the normalised value
 * (leading zeros of the integer part and trailing zeros of the fraction do not count). A
 * {@link JsonNumberLiteral} is judged by its own digits (`12.50000000000000001` has 17 decimal
 * places); one outside the range of a double (`1e400`) is `A valid number is required.`
 * Returns a JS number.
 */
export function decimal<const O extends DecimalOptions = DecimalOptions>(options?: O): FieldParser<number | Presence<O>> {
  const o: DecimalOptions = options ?? {};
  const maxInt = o.maxIntegerDigits ?? 12;
  const maxPlaces = o.maxDecimalPlaces ?? 4;
  return ((input: unknown) =>
    present(o, input, (value) => {
      let text: string;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) return reject(Messages.invalidNumber);
        text = numberToPlainDecimal(value);
      } else if (typeof value === 'string') {
        text = value.trim();
      } else if (value instanceof JsonNumberLiteral) {
        if (!value.isFinite) return reject(Messages.invalidNumber);
        // The digit limits first, on counts: `1e-99999999` must not be expanded to plain text.
        const { negative, digits, point } = value.decimal;
        if (Math.max(digits.length - point, 0) > maxPlaces) return reject(Messages.maxDecimalPlaces(maxPlaces));
        if (digits !== '' && point > maxInt) return reject(Messages.maxWholeDigits(maxInt));
        text = (negative ? '-' : '') + plainDecimal(digits, point);
      } else {
        return reject(Messages.invalidNumber);
      }
      const m = PLAIN_DECIMAL_RE.exec(text);
      if (!m || (m[2] === '' && (m[3] ?? '') === '')) return reject(Messages.invalidNumber);
      // Loops, not /^0+/ and /0+$/: the latter backtracks quadratically on a long run of zeros
      // (`"0.000…0001"` with 200,000 zeros took 30 s).
      const intDigits = m[2].slice(leadingZeros(m[2]));
      const fracText = m[3] ?? '';
      const fracDigits = fracText.slice(0, fracText.length - trailingZeros(fracText));
      if (fracDigits.length > maxPlaces) return reject(Messages.maxDecimalPlaces(maxPlaces));
      if (intDigits.length > maxInt) return reject(Messages.maxWholeDigits(maxInt));
      const n = Number(`${m[1]}${intDigits || '0'}${fracDigits ? `.${fracDigits}` : ''}`);
      const normalised = n === 0 ? 0 : n;
      if (o.min !== undefined && normalised < o.min) return reject(Messages.minValue(o.min));
      if (o.max !== undefined && normalised > o.max) return reject(Messages.maxValue(o.max));
      return accept(normalised);
    })) as FieldParser<number | Presence<O>>;
}

// ---------------------------------------------------------------------------------------------
// boolean

/** `true` or `false` only; anything else → `Must be a valid boolean.` */
export function bool<const O extends PresenceOptions = PresenceOptions>(options?: O): FieldParser<boolean | Presence<O>> {
  const o: PresenceOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => (typeof value === 'boolean' ? accept(value) : reject(Messages.invalidBoolean)))) as FieldParser<
    boolean | Presence<O>
  >;
}

// ---------------------------------------------------------------------------------------------
// object

export const MAX_OBJECT_BYTES = 65536;

export interface JsonObjectOptions extends PresenceOptions {
  /** Maximum compact UTF-8 JSON size in bytes (default 65,536). */
  maxBytes?: number;
  /** `null` is accepted and becomes `{}` (implies nullable). */
  nullAsEmpty?: boolean;
}

type ObjectExtra<O> = O extends { nullAsEmpty: true } ? never : O extends { nullable: true } ? null : never;

/**
 * Issues of nested values (relative paths): strings or keys that contain U+0000 or an unpaired
 * surrogate (`Not a valid string.`), and number literals that a double cannot carry exactly
 * (`This number cannot be stored exactly; send it as a string.`, see Messages.inexactNumber).
 * Objects are stored as JSON documents whose numbers are doubles, so such a literal would be
 * stored changed (`1e400` as `null`, `12345678901234567` as 12345678901234568); the spec defines
 * numbers inside objects only as JSON, and rejecting the field is the one answer that never
 * changes what was sent.
 */
function invalidNestedValues(value: unknown, path: string, out: FieldIssue[]): void {
  if (typeof value === 'string') {
    if (!isValidApiString(value)) out.push({ path, message: Messages.invalidString });
  } else if (value instanceof JsonNumberLiteral) {
    out.push({ path, message: Messages.inexactNumber });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => invalidNestedValues(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      if (!isValidApiString(key)) {
        out.push({ path, message: Messages.invalidString });
        continue;
      }
      invalidNestedValues((value as Record<string, unknown>)[key], `${path}.${key}`, out);
    }
  }
}

/**
 * A JSON object of at most `maxBytes` bytes as compact UTF-8 JSON. Nested strings (and keys)
 * containing U+0000 or an unpaired surrogate are reported as `Not a valid string.` at their
 * nested path (`metadata.note`), nested number literals that a double cannot carry exactly as
 * `This number cannot be stored exactly; send it as a string.` (`metadata.amount`,
 * `custom_fields.ids[2]`). Those checks come before the size check, which serializes the object
 * (a literal's `toJSON` throws).
 */
export function jsonObject<const O extends JsonObjectOptions = JsonObjectOptions>(
  options?: O,
): FieldParser<Record<string, unknown> | Exclude<Presence<O>, null> | ObjectExtra<O>> {
  const o: JsonObjectOptions = options ?? {};
  const maxBytes = o.maxBytes ?? MAX_OBJECT_BYTES;
  return ((input: unknown) =>
    present(
      { required: o.required, nullable: o.nullable || o.nullAsEmpty },
      input,
      (value) => {
        if (!isJsonObject(value)) return reject(Messages.invalidObject);
        const issues: FieldIssue[] = [];
        invalidNestedValues(value, '', issues);
        if (issues.length > 0) return rejectAll(issues);
        if (jsonByteLength(value) > maxBytes) return reject(Messages.objectTooLarge(maxBytes));
        return accept(value);
      },
      () => accept(o.nullAsEmpty ? {} : null),
    )) as FieldParser<Record<string, unknown> | Exclude<Presence<O>, null> | ObjectExtra<O>>;
}

// ---------------------------------------------------------------------------------------------
// datetime

/** An accepted datetime string, returned normalised to RFC 3339 UTC ending in `Z`. */
export function datetime<const O extends PresenceOptions = PresenceOptions>(options?: O): FieldParser<string | Presence<O>> {
  const o: PresenceOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => {
      if (typeof value !== 'string') return reject(Messages.invalidDatetime);
      const normalised = parseDatetime(value);
      return normalised === null ? reject(Messages.invalidDatetime) : accept(normalised);
    })) as FieldParser<string | Presence<O>>;
}

// ---------------------------------------------------------------------------------------------
// choice

/** One of a fixed set of strings; otherwise `"<value>" is not a valid choice.` */
export function choice<C extends string, const O extends PresenceOptions = PresenceOptions>(
  choices: readonly C[],
  options?: O,
): FieldParser<C | Presence<O>> {
  const o: PresenceOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => {
      const s = toApiString(value);
      if (s === null) return reject(Messages.invalidString);
      return (choices as readonly string[]).includes(s) ? accept(s as C) : reject(Messages.invalidChoice(s));
    })) as FieldParser<C | Presence<O>>;
}

// ---------------------------------------------------------------------------------------------
// list

export interface ListOptions extends PresenceOptions {
  /** Minimum number of elements; `min: 1` gives `This list may not be empty.` */
  min?: number;
  /** Maximum number of elements: `Ensure this field has no more than {n} elements.` */
  max?: number;
}

/**
 * A JSON array. Length problems are reported on the list itself (and its elements are then not
 * validated); otherwise every element is parsed, errors element-major (`[0]…` before `[1]…`).
 */
export function list<T, const O extends ListOptions = ListOptions>(item: FieldParser<T>, options?: O): FieldParser<T[] | Presence<O>> {
  const o: ListOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => {
      if (!Array.isArray(value)) return reject(Messages.invalidList);
      if (o.min !== undefined && value.length < o.min) {
        return reject(o.min === 1 ? Messages.emptyList : `Ensure this field has at least ${o.min} elements.`);
      }
      if (o.max !== undefined && value.length > o.max) return reject(Messages.maxItems(o.max));
      const out: T[] = [];
      const issues: FieldIssue[] = [];
      value.forEach((element, i) => {
        const r = item(element);
        if (r.ok) out.push(r.value);
        else for (const issue of r.issues) issues.push({ path: `[${i}]${issue.path}`, message: issue.message });
      });
      return issues.length > 0 ? rejectAll(issues) : accept(out);
    })) as FieldParser<T[] | Presence<O>>;
}

// ---------------------------------------------------------------------------------------------
// object shape

export type Shape = Record<string, FieldParser<unknown>>;
export type ShapeOutput<S extends Shape> = { [K in keyof S]: ParserOutput<S[K]> };

/**
 * A JSON object with known fields, validated in the order of `schema` (document order).
 * Unknown members are ignored. A non-object → `Expected a JSON object.`
 */
export function shape<S extends Shape, const O extends PresenceOptions = PresenceOptions>(
  schema: S,
  options?: O,
): FieldParser<ShapeOutput<S> | Presence<O>> {
  const o: PresenceOptions = options ?? {};
  return ((input: unknown) =>
    present(o, input, (value) => {
      if (!isJsonObject(value)) return reject(Messages.invalidObject);
      const out: Record<string, unknown> = {};
      const issues: FieldIssue[] = [];
      for (const key of Object.keys(schema)) {
        const r = schema[key](hasOwn(value, key) ? value[key] : undefined);
        if (r.ok) out[key] = r.value;
        else for (const issue of r.issues) issues.push({ path: `.${key}${issue.path}`, message: issue.message });
      }
      return issues.length > 0 ? rejectAll(issues) : accept(out as ShapeOutput<S>);
    })) as FieldParser<ShapeOutput<S> | Presence<O>>;
}
