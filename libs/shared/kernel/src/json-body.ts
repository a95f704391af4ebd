import { isUtf8 } from 'node:buffer';
import type { ApiError } from '@datamingle/contracts';
import { apiError, toValidationError } from './errors';
import { isExactNumberLiteral, JsonNumberLiteral } from './json-number';
import { err as fail, ok, type Result } from './result';

/** The request-body errors of conventions.md §6.1 (step 13 of the processing order). */
const bodyErrors = {
  malformedJson: (explanation: string): ApiError =>
    apiError('VALIDATION_ERROR', `Malformed JSON: ${explanation}`, { non_field_errors: ['Malformed JSON.'] }),
  notAnObject: (): ApiError => toValidationError({ non_field_errors: ['Expected a JSON object at the top level.'] }),
};

export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface JsonSyntaxProblem {
  /** Parser explanation used in `Malformed JSON: <explanation>`. */
  explanation: string;
}

/** Open container kinds on the scanner's stack. */
const Container = { Object: 0, Array: 1 } as const;
type Container = (typeof Container)[keyof typeof Container];

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** `line L column C` (1-based) of a UTF-16 offset; computed only when reporting an error. */
function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line} column ${offset - lineStart + 1}`;
}

/** Whether a parsed JSON value nests objects and arrays more than `max` levels (iterative: no recursion). */
function exceedsDepth(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

class SyntaxProblem {
  constructor(
    readonly what: string,
    readonly offset: number,
  ) {}
}

/**
 * Validates JSON text in one linear pass without recursion, tracking container nesting on an
 * explicit stack that is never deeper than `maxDepth`. A deeply nested body (even a million
 * levels) is rejected as soon as it passes the limit, so `JSON.parse` only ever sees bounded
 * nesting. Returns `null` when the text is well-formed; the grammar is RFC 8259, as `JSON.parse`.
 * The offsets of number literals that a double cannot carry exactly (see json-number.ts) are
 * appended to `inexactNumbers`, in text order.
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH, inexactNumbers: number[] = []): JsonSyntaxProblem | null {
  try {
    scan(text, maxDepth, inexactNumbers);
    return null;
  } catch (e) {
    if (e instanceof SyntaxProblem) {
      return { explanation: e.offset < 0 ? e.what : `${e.what} at ${position(text, e.offset)}` };
    }
    throw e;
  }
}

function scan(text: string, maxDepth: number, inexactNumbers: number[]): void {
  const n = text.length;
  const stack: Container[] = [];
  let i = 0;

  const skipWhitespace = () => {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
  };

  const scanString = () => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new SyntaxProblem('Unterminated string starting', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = i + 1 < n ? text.charCodeAt(i + 1) : -1;
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (i + k >= n || !isHex(text.charCodeAt(i + k))) throw new SyntaxProblem('Invalid \\uXXXX escape', i);
          }
          i += 6;
          continue;
        }
        // " \ / b f n r t
        if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
          continue;
        }
        throw new SyntaxProblem('Invalid \\escape', i);
      }
      if (c < 0x20) throw new SyntaxProblem('Invalid control character', i);
      i++;
    }
  };

  const scanNumber = () => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    if (i < n && text.charCodeAt(i) === 0x30) {
      i++;
    } else if (i < n && isDigit(text.charCodeAt(i))) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    } else {
      throw new SyntaxProblem('Expecting value', start);
    }
    let digits = i - intStart;
    if (i < n && text.charCodeAt(i) === 0x2e) {
      i++;
      const fracStart = i;
      if (!(i < n && isDigit(text.charCodeAt(i)))) throw new SyntaxProblem('Invalid number', start);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      digits += i - fracStart;
    }
    let exponentDigits = 0;
    if (i < n && (text.charCodeAt(i) | 0x20) === 0x65) {
      i++;
      if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
      const expStart = i;
      if (!(i < n && isDigit(text.charCodeAt(i)))) throw new SyntaxProblem('Invalid number', start);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      exponentDigits = i - expStart;
    }
    // At most 15 mantissa digits and a 2-digit exponent: a value in [1e-114, 1e114) with at most
    // 15 significant digits, which a double always carries exactly (DBL_DIG = 15).
    if ((digits > 15 || exponentDigits > 2) && !isExactNumberLiteral(text.slice(start, i))) inexactNumbers.push(start);
  };

  const open = (container: Container) => {
    if (stack.length >= maxDepth) throw new SyntaxProblem(`maximum nesting depth of ${maxDepth} exceeded`, -1);
    stack.push(container);
    i++;
  };

  /** After `{` or `,` inside an object: a key, then `:`. */
  const scanKey = () => {
    if (i >= n || text.charCodeAt(i) !== 0x22) throw new SyntaxProblem('Expecting property name enclosed in double quotes', i);
    scanString();
    skipWhitespace();
    if (i >= n || text.charCodeAt(i) !== 0x3a) throw new SyntaxProblem("Expecting ':' delimiter", i);
    i++;
    skipWhitespace();
  };

  skipWhitespace();
  for (;;) {
    // Expecting a value at i.
    const c = i < n ? text.charCodeAt(i) : -1;
    let scalar = true;
    if (c === 0x7b) {
      open(Container.Object);
      skipWhitespace();
      if (i < n && text.charCodeAt(i) === 0x7d) {
        stack.pop();
        i++;
      } else {
        scanKey();
        scalar = false;
      }
    } else if (c === 0x5b) {
      open(Container.Array);
      skipWhitespace();
      if (i < n && text.charCodeAt(i) === 0x5d) {
        stack.pop();
        i++;
      } else {
        scalar = false;
      }
    } else if (c === 0x22) {
      scanString();
    } else if (c === 0x2d || isDigit(c)) {
      scanNumber();
    } else if (text.startsWith('true', i)) {
      i += 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
    } else if (text.startsWith('null', i)) {
      i += 4;
    } else {
      throw new SyntaxProblem('Expecting value', i);
    }
    if (!scalar) continue; // a container was opened and the next value starts here

    // A complete value ended at i: close containers or move to the next element.
    for (;;) {
      skipWhitespace();
      if (stack.length === 0) {
        if (i < n) throw new SyntaxProblem('Extra data', i);
        return;
      }
      const top = stack[stack.length - 1];
      const d = i < n ? text.charCodeAt(i) : -1;
      if (d === 0x2c) {
        i++;
        skipWhitespace();
        if (top === Container.Object) scanKey();
        break; // next value
      }
      if ((top === Container.Object && d === 0x7d) || (top === Container.Array && d === 0x5d)) {
        stack.pop();
        i++;
        continue;
      }
      throw new SyntaxProblem("Expecting ',' delimiter", i);
    }
  }
}

/**
 * Steps 12–13 body handling after the media-type check (conventions.md §6.1): an empty body is
 * `{}`; otherwise the bytes must be UTF-8, the text well-formed JSON nested at most 64 levels,
 * and the top-level value an object. Duplicate keys: the last occurrence wins.
 */
export function parseJsonBody(body: Buffer | Uint8Array | null): Result<Record<string, unknown>, ApiError> {
  if (body === null || body.length === 0) return ok({});
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return fail(bodyErrors.malformedJson('the body is not valid UTF-8'));
  }
  return parseJsonText(text);
}

/**
 * The spec's malformed-JSON error when the body is not valid UTF-8, else `null`: the same verdict
 * as parseJsonBody's decoder (WHATWG UTF-8), without decoding (no string of the body is made).
 */
export function checkJsonBodyUtf8(body: Buffer | Uint8Array): ApiError | null {
  return isUtf8(body) ? null : bodyErrors.malformedJson('the body is not valid UTF-8');
}

/**
 * Decides, without tokenizing, whether `text` may hold a number literal that a double cannot carry
 * exactly. It must never miss one (a miss would store a rounded value); a hit where the digits are
 * inside a string only costs the tokenizing pass. A literal is `-?I(.F)?(e[+-]?X)?`; it can only be
 * inexact when
 * - it has 16 or more significant digits: I + F ≥ 16, so I ≥ 16 (no fraction: `\d{16}`), or
 *   I ≥ 8 followed by a fraction (`\d{8}\.\d`), or I ≤ 7 and F ≥ 9 (`\d\.\d{8}`); or
 * - its value lies outside the normal range of a double, above 1.7976931348623157e308 or below
 *   2.2250738585072014e-308 (with at most 15 significant digits everything in between is exact):
 *   with an exponent of 3 or more digits (`\d[eE][+-]?\d{3}`), or with an exponent of at most 99
 *   in magnitude, which needs I ≥ 210 (caught by `\d{16}`) or a fraction starting with ≥ 208
 *   zeros (caught by `\d\.\d{8}`).
 * JSON forbids leading zeros in I and requires a digit on both sides of `.`, so every literal
 * appears in the text in one of these shapes.
 */
const MAY_HOLD_INEXACT_NUMBER = /\d(?:\d{15}|\d{7}\.\d|\.\d{8}|[eE][+-]?\d{3})/;

/** The fast path's trigger (exported for tests): whether `text` may hold an inexact number literal. */
export function mayHoldInexactNumber(text: string): boolean {
  return MAY_HOLD_INEXACT_NUMBER.test(text);
}

/**
 * Builds the value of well-formed JSON text of bounded nesting (checked by `scanJson` before),
 * with the same semantics as `JSON.parse` — the last duplicate key wins (in the position of the
 * first), `__proto__` is an own data property — except that the number literals starting at the
 * offsets `inexact` (ascending) become {@link JsonNumberLiteral}s. Recursion is bounded by the
 * nesting limit.
 */
function buildValue(text: string, inexact: readonly number[]): unknown {
  const n = text.length;
  let i = 0;
  let nextInexact = 0;

  const skipWhitespace = () => {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
  };

  const readString = (): string => {
    const start = i;
    let escaped = false;
    i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        i += 2;
      } else {
        i++;
      }
    }
    i++; // closing quote
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };

  const readValue = (): unknown => {
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      const object: Record<string, unknown> = {};
      skipWhitespace();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return object;
      }
      for (;;) {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        i++; // ':'
        const member = readValue();
        if (key === '__proto__') {
          Object.defineProperty(object, key, { value: member, writable: true, enumerable: true, configurable: true });
        } else {
          object[key] = member;
        }
        skipWhitespace();
        if (text.charCodeAt(i++) === 0x7d) return object; // else ','
      }
    }
    if (c === 0x5b) {
      i++;
      const array: unknown[] = [];
      skipWhitespace();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return array;
      }
      for (;;) {
        array.push(readValue());
        skipWhitespace();
        if (text.charCodeAt(i++) === 0x5d) return array; // else ','
      }
    }
    if (c === 0x22) return readString();
    if (c === 0x74) {
      i += 4;
      return true;
    }
    if (c === 0x66) {
      i += 5;
      return false;
    }
    if (c === 0x6e) {
      i += 4;
      return null;
    }
    const start = i;
    for (;;) {
      const d = text.charCodeAt(i);
      if (isDigit(d) || d === 0x2d || d === 0x2b || d === 0x2e || (d | 0x20) === 0x65) i++;
      else break;
    }
    const literal = text.slice(start, i);
    if (start === inexact[nextInexact]) {
      nextInexact++;
      return new JsonNumberLiteral(literal);
    }
    return Number(literal);
  };

  return readValue();
}

/**
 * parseJsonBody for a body already decoded from UTF-8 — how every service receives a body (the
 * gateway forwards it as text), so this is the platform's one body parser.
 *
 * Numbers: a literal whose exact decimal value a double does not carry (`1e400`, `1e-400`,
 * `12345678901234567`, `12.50000000000000001`; see json-number.ts) comes out as a
 * {@link JsonNumberLiteral}; every other number as a plain JS number.
 */
export function parseJsonText(text: string): Result<Record<string, unknown>, ApiError> {
  if (text.length === 0) return ok({});
  // Fast path: when the text cannot hold a number literal that a double does not carry exactly
  // (mayHoldInexactNumber, a regex test), the native parser and an iterative depth check decide.
  // The character scanner — which explains syntax errors the way the spec shows them, enforces the
  // nesting limit without recursion and finds the inexact literals — only runs when the fast path
  // cannot decide: on a syntax error, on too deep nesting, or when the trigger fires. A large bulk
  // body then blocks the event loop far less. Only when the scanner does find such a literal is
  // the value built by hand (buildValue) instead of by JSON.parse.
  let value: unknown;
  if (!mayHoldInexactNumber(text)) {
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
    if (parsed && !exceedsDepth(value, MAX_JSON_DEPTH)) return topLevelObject(value);
  }
  const inexact: number[] = [];
  const problem = scanJson(text, MAX_JSON_DEPTH, inexact);
  if (problem) return fail(bodyErrors.malformedJson(problem.explanation));
  if (inexact.length > 0) return topLevelObject(buildValue(text, inexact));
  try {
    value = JSON.parse(text);
  } catch {
    // Unreachable when the scanner and JSON.parse agree; kept so a disagreement is a 400, not a 500.
    return fail(bodyErrors.malformedJson('Expecting value at line 1 column 1'));
  }
  return topLevelObject(value);
}

/** Step 13's last rule: the top-level value must be an object. */
function topLevelObject(value: unknown): Result<Record<string, unknown>, ApiError> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumberLiteral) {
    return fail(bodyErrors.notAnObject());
  }
  return ok(value as Record<string, unknown>);
}
