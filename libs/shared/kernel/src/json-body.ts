import type { ApiError } from '@datamingle/contracts';
import { apiError, toValidationError } from './errors';
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

/** 2^53: integers whose magnitude exceeds it are not valid integers (conventions.md §7). */
const SAFE_LIMIT = 2 ** 53;

/** Whether a JSON number literal's exact decimal value has a magnitude above 2^53. */
export function exceedsSafeLimit(literal: string): boolean {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return false;
  const digits = BigInt(m[1]! + (m[2] ?? ''));
  const exp10 = Number(m[3] ?? '0') - (m[2]?.length ?? 0);
  const limit = BigInt(SAFE_LIMIT);
  if (exp10 >= 0) return digits * 10n ** BigInt(exp10) > limit;
  return digits > limit * 10n ** BigInt(-exp10);
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
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH, roundedToLimit: Array<[number, number]> = []): JsonSyntaxProblem | null {
  try {
    scan(text, maxDepth, roundedToLimit);
    return null;
  } catch (e) {
    if (e instanceof SyntaxProblem) {
      return { explanation: e.offset < 0 ? e.what : `${e.what} at ${position(text, e.offset)}` };
    }
    throw e;
  }
}

function scan(text: string, maxDepth: number, roundedToLimit: Array<[number, number]>): void {
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
    if (i < n && text.charCodeAt(i) === 0x30) {
      i++;
    } else if (i < n && isDigit(text.charCodeAt(i))) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    } else {
      throw new SyntaxProblem('Expecting value', start);
    }
    if (i < n && text.charCodeAt(i) === 0x2e) {
      i++;
      if (!(i < n && isDigit(text.charCodeAt(i)))) throw new SyntaxProblem('Invalid number', start);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    if (i < n && (text.charCodeAt(i) | 0x20) === 0x65) {
      i++;
      if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
      if (!(i < n && isDigit(text.charCodeAt(i)))) throw new SyntaxProblem('Invalid number', start);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    if (Math.abs(Number(text.slice(start, i))) === SAFE_LIMIT && exceedsSafeLimit(text.slice(start, i))) roundedToLimit.push([start, i]);
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

/** The body as text, or the spec's malformed-JSON error when it is not valid UTF-8. */
export function decodeJsonBodyText(body: Buffer | Uint8Array): Result<string, ApiError> {
  try {
    return ok(utf8.decode(body));
  } catch {
    return fail(bodyErrors.malformedJson('the body is not valid UTF-8'));
  }
}

/** parseJsonBody for a body already decoded from UTF-8 (as a gateway forwards a large one). */
export function parseJsonText(text: string): Result<Record<string, unknown>, ApiError> {
  if (text.length === 0) return ok({});
  // Fast path: the native parser, then an iterative depth check. The character scanner (which
  // explains syntax errors the way the spec shows them and finds integer literals that round to
  // 2^53) only runs when the fast path cannot decide: on a syntax error, on too deep nesting, or
  // when the text has a run of 16 digits. A large bulk body then blocks the event loop far less.
  let value: unknown;
  let parsed = false;
  try {
    value = JSON.parse(text);
    parsed = true;
  } catch {
    parsed = false;
  }
  if (!parsed || exceedsDepth(value, MAX_JSON_DEPTH) || /\d{16}/.test(text)) {
    const roundedToLimit: Array<[number, number]> = [];
    const problem = scanJson(text, MAX_JSON_DEPTH, roundedToLimit);
    if (problem) return fail(bodyErrors.malformedJson(problem.explanation));
    // A literal just above 2^53 (e.g. 9007199254740993) parses to exactly 2^53, which would pass as
    // a valid integer; conventions.md §7 rejects integers whose magnitude exceeds 2^53. Such literals
    // are replaced by the next representable value above 2^53, so validation sees what was sent.
    for (let k = roundedToLimit.length - 1; k >= 0; k--) {
      const [from, to] = roundedToLimit[k]!;
      text = text.slice(0, from) + (text.charCodeAt(from) === 0x2d ? '-' : '') + '9007199254740994' + text.slice(to);
    }
    try {
      value = JSON.parse(text);
    } catch {
      // Unreachable when the scanner and JSON.parse agree; kept so a disagreement is a 400, not a 500.
      return fail(bodyErrors.malformedJson('Expecting value at line 1 column 1'));
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(bodyErrors.notAnObject());
  return ok(value as Record<string, unknown>);
}
