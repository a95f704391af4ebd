import { decimalOfLiteral, isExactNumberLiteral, JsonNumberLiteral } from './json-number';

/** Reference: a literal's value as an exact fraction of big integers (for moderate exponents only). */
function fraction(literal: string): [bigint, bigint] {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal)!;
  const numerator = BigInt(m[1]! + m[2]! + (m[3] ?? ''));
  const exponent = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  return exponent >= 0 ? [numerator * 10n ** BigInt(exponent), 1n] : [numerator, 10n ** BigInt(-exponent)];
}

/** Reference: whether String(Number(literal)) denotes exactly the literal's value. */
function exactByFractions(literal: string): boolean {
  const n = Number(literal);
  if (!Number.isFinite(n)) return false;
  const [a, b] = fraction(literal);
  const [c, d] = fraction(String(n));
  return a * d === c * b;
}

describe('decimalOfLiteral', () => {
  it.each([
    ['0', { negative: false, digits: '', point: 0 }],
    ['-0.000e5', { negative: true, digits: '', point: 0 }],
    ['12.50', { negative: false, digits: '125', point: 2 }],
    ['0.005', { negative: false, digits: '5', point: -2 }],
    ['1e21', { negative: false, digits: '1', point: 22 }],
    ['1.2345e+21', { negative: false, digits: '12345', point: 22 }],
    ['-1.2345678901234567e16', { negative: true, digits: '12345678901234567', point: 17 }],
    ['100', { negative: false, digits: '1', point: 3 }],
    ['1E-400', { negative: false, digits: '1', point: -399 }],
    ['1e' + '9'.repeat(400), { negative: false, digits: '1', point: Infinity }],
  ])('%s', (literal, expected) => {
    expect(decimalOfLiteral(literal)).toEqual(expected);
  });

  it('is linear on long runs of zeros (no regex backtracking)', () => {
    const started = Date.now();
    expect(decimalOfLiteral('0.' + '0'.repeat(2_000_000) + '1').point).toBe(-2_000_000);
    expect(decimalOfLiteral('1' + '0'.repeat(2_000_000) + '1.0').digits.length).toBe(2_000_002);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('isExactNumberLiteral', () => {
  it.each(['0', '-0', '0.1', '1e21', '1e23', '0.30000000000000004', '9007199254740992', '1.7976931348623157e308', '5e-324', '123.456', '1e-7'])(
    'exact: %s',
    (literal) => {
      expect(isExactNumberLiteral(literal)).toBe(true);
    },
  );

  it.each(['1e400', '-1e400', '1e-400', '9007199254740993', '12345678901234567', '12.50000000000000001', '2e-324', '0.1000000000000000000001'])(
    'not exact: %s',
    (literal) => {
      expect(isExactNumberLiteral(literal)).toBe(false);
    },
  );

  it('agrees with exact big-integer arithmetic on random literals', () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
    };
    const digits = (count: number) => Array.from({ length: count }, () => String(random(10))).join('');
    const wrong: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const int = String(1 + random(9)) + digits(random(22));
      const frac = random(2) ? '' : '.' + digits(1 + random(22));
      const exp = random(2) ? '' : 'e' + (random(2) ? '-' : '') + String(random(340));
      const literal = (random(2) ? '-' : '') + int + frac + exp;
      if (isExactNumberLiteral(literal) !== exactByFractions(literal)) wrong.push(literal);
    }
    expect(wrong).toEqual([]);
  });
});

describe('JsonNumberLiteral', () => {
  const lit = (source: string) => new JsonNumberLiteral(source);

  it('keeps its source', () => {
    expect(lit('1.2345678901234567e16').source).toBe('1.2345678901234567e16');
  });

  it('knows whether it is finite (within the range of a double) and integral, by its exact value', () => {
    expect([lit('1e400').isFinite, lit('1e400').isInteger]).toEqual([false, true]);
    expect([lit('1e-400').isFinite, lit('1e-400').isInteger]).toEqual([true, false]);
    expect([lit('12.50000000000000001').isFinite, lit('12.50000000000000001').isInteger]).toEqual([true, false]);
    expect([lit('9007199254740993').isFinite, lit('9007199254740993').isInteger]).toEqual([true, true]);
    expect(lit('9007199254740993.0000000000000000').isInteger).toBe(true);
    expect(lit('9007199254740992.00000000000000001').isInteger).toBe(false);
  });

  it('toSafeInteger: only integers of magnitude up to 2^53', () => {
    expect(lit('9007199254740993').toSafeInteger()).toBeNull();
    expect(lit('-9007199254740993').toSafeInteger()).toBeNull();
    expect(lit('12345678901234567').toSafeInteger()).toBeNull();
    expect(lit('1e400').toSafeInteger()).toBeNull();
    expect(lit('1e-400').toSafeInteger()).toBeNull();
    expect(lit('10.00000000000000000001').toSafeInteger()).toBeNull();
    // never inexact in practice, but judged by the literal all the same
    expect(lit('9007199254740992').toSafeInteger()).toBe(9007199254740992);
    expect(lit('-9.007199254740992e15').toSafeInteger()).toBe(-9007199254740992);
    expect(lit('10.0000000000000000000').toSafeInteger()).toBe(10);
    expect(lit('-0.0e400').toSafeInteger()).toBe(0);
  });

  it('toIntegerText: the exact digits of an integral, finite literal', () => {
    expect(lit('12345678901234567').toIntegerText()).toBe('12345678901234567');
    expect(lit('1.2345678901234567e16').toIntegerText()).toBe('12345678901234567');
    expect(lit('-9007199254740993').toIntegerText()).toBe('-9007199254740993');
    expect(lit('12345678901234567.000000000000').toIntegerText()).toBe('12345678901234567');
    expect(lit('1' + '0'.repeat(308)).toIntegerText()).toBe('1' + '0'.repeat(308));
    expect(lit('1e400').toIntegerText()).toBeNull();
    expect(lit('1e-400').toIntegerText()).toBeNull();
    expect(lit('12.50000000000000001').toIntegerText()).toBeNull();
  });

  it('cannot be serialized or coerced: a literal that escaped validation fails loudly', () => {
    const value = { cost: lit('1e400') };
    expect(() => JSON.stringify(value)).toThrow(/JSON number literal 1e400 was not validated/);
    expect(() => `${value.cost as unknown as string}`).toThrow(TypeError);
    expect(() => Number(value.cost)).toThrow(TypeError);
    expect(() => (value.cost as unknown as number) > 5).toThrow(TypeError);
    expect(Object.prototype.toString.call(value.cost)).toBe('[object JsonNumberLiteral]');
  });

  it('is immutable', () => {
    const value = lit('1e400');
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.decimal)).toBe(true);
  });
});
