/**
 * JSON number literals that a double cannot carry (issue 9, finding 5).
 *
 * `JSON.parse` turns every number literal into the nearest double: `1e400` becomes `Infinity`,
 * `12345678901234567` becomes 12345678901234568, `12.50000000000000001` becomes 12.5, `1e-400`
 * becomes 0. The kernel's body parser (`parseJsonText`) keeps such a literal as a
 * {@link JsonNumberLiteral} instead, so the field validators judge what was sent, not its rounding.
 *
 * "Exact" here means: the double's shortest round-trip text (`String(n)`, what JavaScript and the
 * transport write back) denotes the same decimal value as the literal. `0.1`, `1e21`,
 * `0.30000000000000004` and `9007199254740992` are exact; the four examples above are not.
 */

/** A decimal value as `0.<digits> × 10^point`, normalised. */
export interface ExactDecimal {
  negative: boolean;
  /** Significant digits without leading or trailing zeros; `''` for zero. */
  digits: string;
  /**
   * Digits before the decimal point in plain notation: `12.5` → digits `125`, point 2;
   * `0.005` → digits `5`, point -2; `1e21` → digits `1`, point 22. May be ±Infinity for an
   * exponent too long for a double (the value is then far outside any range we accept).
   */
  point: number;
}

/**
 * Splits a JSON number literal (RFC 8259 grammar, or what `String(number)` writes for a finite
 * number) into its normalised decimal value. Linear in the literal's length (no regex
 * backtracking on long digit runs, no big-integer power of a caller-controlled exponent).
 */
export function decimalOfLiteral(literal: string): ExactDecimal {
  const n = literal.length;
  let i = 0;
  const negative = literal.charCodeAt(0) === 0x2d;
  if (negative) i++;
  const intStart = i;
  while (i < n && isDigit(literal.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && literal.charCodeAt(i) === 0x2e) {
    fracStart = ++i;
    while (i < n && isDigit(literal.charCodeAt(i))) i++;
    fracEnd = i;
  }
  let exponent = 0;
  if (i < n && (literal.charCodeAt(i) | 0x20) === 0x65) exponent = Number(literal.slice(i + 1)); // `+5`, `-07`, `400`; huge → ±Infinity
  // The digits are int ++ frac; strip leading zeros (they only move the point) and trailing zeros.
  const all = literal.slice(intStart, intEnd) + literal.slice(fracStart, fracEnd);
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 0x30) first++;
  if (first === all.length) return { negative, digits: '', point: 0 };
  let last = all.length;
  while (all.charCodeAt(last - 1) === 0x30) last--;
  return { negative, digits: all.slice(first, last), point: intEnd - intStart - first + exponent };
}

/**
 * Whether the double that `JSON.parse` gives `literal` carries the literal's exact decimal value
 * (see the module comment). `false` for overflow to ±Infinity, for a non-zero literal that
 * underflows to 0, and for literals whose digits a double does not hold.
 */
export function isExactNumberLiteral(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  const sent = decimalOfLiteral(literal);
  if (value === 0) return sent.digits === '';
  const held = decimalOfLiteral(String(value));
  return sent.digits === held.digits && sent.point === held.point;
}

/** 2^53: integers whose magnitude exceeds it are not valid integers (conventions.md §7). */
const SAFE_LIMIT = 2 ** 53;
const SAFE_LIMIT_DIGITS = String(SAFE_LIMIT); // 16 digits

/**
 * A number literal of a request body that a double cannot carry exactly, as written
 * (`source`). Validators decide on its exact value; nothing may store or forward it as is:
 * serializing it (`JSON.stringify`) or coercing it to a primitive (`+x`, `` `${x}` ``) throws, so
 * a literal that escaped validation becomes a visible failure (a 500) instead of a rounded value,
 * a `null` (what JSON writes for `Infinity`) or `"[object Object]"`.
 */
export class JsonNumberLiteral {
  /** The literal's normalised decimal value. */
  readonly decimal: ExactDecimal;

  constructor(
    /** The literal exactly as it appeared in the body, e.g. `12345678901234567`, `-1.5e400`. */
    readonly source: string,
  ) {
    this.decimal = Object.freeze(decimalOfLiteral(source));
    Object.freeze(this);
  }

  /** Whether the value lies within the range of a double (`1e400` does not: JSON.parse gives `Infinity`). */
  get isFinite(): boolean {
    return Number.isFinite(Number(this.source));
  }

  /** Whether the exact value is an integer (`1.2345678901234567e16` is; `1e-400` is not). */
  get isInteger(): boolean {
    return this.decimal.digits.length <= this.decimal.point;
  }

  /**
   * The value as a JS number when it is an integer of magnitude ≤ 2^53 (such a value is always
   * exact as a double), otherwise `null`.
   */
  toSafeInteger(): number | null {
    const { digits, point, negative } = this.decimal;
    if (digits === '') return 0;
    if (!this.isInteger || point > SAFE_LIMIT_DIGITS.length) return null;
    if (point === SAFE_LIMIT_DIGITS.length && digits.padEnd(point, '0') > SAFE_LIMIT_DIGITS) return null; // same length: text order is numeric order
    const n = Number(digits.padEnd(point, '0'));
    return negative ? -n : n;
  }

  /**
   * The exact decimal text of an integral value within the range of a double, digit for digit
   * from the literal (`1.2345678901234567e16` → `12345678901234567`); `null` when the value is
   * not an integer or not finite. At most 309 digits.
   */
  toIntegerText(): string | null {
    if (!this.isInteger || !this.isFinite) return null;
    const { digits, point, negative } = this.decimal;
    if (digits === '') return '0';
    return (negative ? '-' : '') + digits.padEnd(point, '0');
  }

  toJSON(): never {
    throw new TypeError(`The JSON number literal ${this.source} was not validated: it cannot be stored or sent as a double.`);
  }

  [Symbol.toPrimitive](): never {
    throw new TypeError(`The JSON number literal ${this.source} was not validated: it cannot be used as a primitive.`);
  }

  get [Symbol.toStringTag](): string {
    return 'JsonNumberLiteral';
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
