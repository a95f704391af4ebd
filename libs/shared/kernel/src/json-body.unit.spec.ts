import { MAX_JSON_DEPTH, mayHoldInexactNumber, parseJsonBody, parseJsonText, scanJson } from './json-body';
import { isExactNumberLiteral, JsonNumberLiteral } from './json-number';

const buf = (s: string) => Buffer.from(s, 'utf8');
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
const malformed = (explanation: string) => ({
  ok: false,
  error: { code: 'VALIDATION_ERROR', message: `Malformed JSON: ${explanation}`, details: { non_field_errors: ['Malformed JSON.'] } },
});
const notAnObject = {
  ok: false,
  error: {
    code: 'VALIDATION_ERROR',
    message: 'non_field_errors: Expected a JSON object at the top level.',
    details: { non_field_errors: ['Expected a JSON object at the top level.'] },
  },
};

describe('parseJsonBody', () => {
  it('treats an empty or absent body as {}', () => {
    expect(parseJsonBody(null)).toEqual({ ok: true, value: {} });
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: true, value: {} });
  });

  it('parses an object; the last duplicate key wins', () => {
    expect(parseJsonBody(buf('{"a": 1, "b": {"c": [true, null, "x"]}, "a": 2}'))).toEqual({
      ok: true,
      value: { a: 2, b: { c: [true, null, 'x'] } },
    });
  });

  it('keeps non-ASCII text and escapes', () => {
    expect(parseJsonBody(buf('{"name": "Çanta \\u00e7 \\ud83d\\ude00"}'))).toEqual({ ok: true, value: { name: 'Çanta ç 😀' } });
  });

  it('keeps lone surrogate escapes (well-formed JSON; the field validation rejects them)', () => {
    const r = parseJsonBody(buf('{"a": "\\ud800"}'));
    expect(r.ok && r.value['a']).toBe('\ud800');
  });

  it.each([
    ['an array', '[1, 2]'],
    ['a string', '"x"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
  ])('rejects %s at the top level', (_label, text) => {
    expect(parseJsonBody(buf(text))).toEqual(notAnObject);
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toEqual(malformed('the body is not valid UTF-8'));
    // an encoded surrogate (CESU-8) is not UTF-8 either
    expect(parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]))).toEqual(
      malformed('the body is not valid UTF-8'),
    );
  });

  it('explains syntax errors with line and column', () => {
    expect(parseJsonBody(buf('{\n  "a": 1\n  "b": 2\n}'))).toEqual(malformed("Expecting ',' delimiter at line 3 column 3"));
    expect(parseJsonBody(buf('{"a" 1}'))).toEqual(malformed("Expecting ':' delimiter at line 1 column 6"));
    expect(parseJsonBody(buf('{"a": }'))).toEqual(malformed('Expecting value at line 1 column 7'));
    expect(parseJsonBody(buf('{a: 1}'))).toEqual(malformed('Expecting property name enclosed in double quotes at line 1 column 2'));
    expect(parseJsonBody(buf('{"a": 1,}'))).toEqual(malformed('Expecting property name enclosed in double quotes at line 1 column 9'));
    expect(parseJsonBody(buf('{"a": "x'))).toEqual(malformed('Unterminated string starting at line 1 column 7'));
    expect(parseJsonBody(buf('{} {}'))).toEqual(malformed('Extra data at line 1 column 4'));
    expect(parseJsonBody(buf(' '))).toEqual(malformed('Expecting value at line 1 column 2'));
  });

  it('rejects depth 65 and accepts depth 64', () => {
    const at64 = `{"a":${nested(MAX_JSON_DEPTH - 1)}}`;
    const at65 = `{"a":${nested(MAX_JSON_DEPTH)}}`;
    expect(parseJsonBody(buf(at64)).ok).toBe(true);
    expect(parseJsonBody(buf(at65))).toEqual(malformed('maximum nesting depth of 64 exceeded'));
  });

  it('counts objects and arrays alike', () => {
    let text = '1';
    for (let i = 0; i < 64; i++) text = i % 2 ? `{"k":${text}}` : `[${text}]`; // outermost (i = 63) is an object
    expect(parseJsonBody(buf(text)).ok).toBe(true);
    expect(parseJsonBody(buf(`{"k":${text}}`))).toEqual(malformed('maximum nesting depth of 64 exceeded'));
  });

  it('rejects a 1,000,000-deep body without recursion', () => {
    const deep = buf('{"a":' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}');
    const started = Date.now();
    expect(parseJsonBody(deep)).toEqual(malformed('maximum nesting depth of 64 exceeded'));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a 1,000,000-deep unterminated body the same way', () => {
    expect(parseJsonBody(buf('['.repeat(1_000_000)))).toEqual(malformed('maximum nesting depth of 64 exceeded'));
  });
});

describe('scanJson', () => {
  it.each([
    '{}',
    '[]',
    '{"a":[1,-0,0.5,-1.5e+10,2E-3,1e5],"b":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00FF","c":{"d":[]}}',
    ' \t\r\n{ } \n',
    '"just a string"',
    '12',
    'false',
  ])('accepts what JSON.parse accepts: %p', (text) => {
    expect(scanJson(text)).toBeNull();
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    '',
    '{',
    '[1,]',
    '[1 2]',
    '01',
    '-',
    '1.',
    '.5',
    '1e',
    '+1',
    'NaN',
    'Infinity',
    'tru',
    'nul',
    "{'a':1}",
    '{"a":1}}',
    '["a\tb"]',
    '["\\x41"]',
    '["\\u12G4"]',
    '["\\u12"]',
    '[1]x',
    '{"a":1 "b":2}',
    '\u00a0{}',
    '// comment\n{}',
  ])('rejects what JSON.parse rejects: %p', (text) => {
    expect(scanJson(text)).not.toBeNull();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('reports control characters and bad escapes with their position', () => {
    expect(scanJson('["a\nb"]')).toEqual({ explanation: 'Invalid control character at line 1 column 4' });
    expect(scanJson('["\\q"]')).toEqual({ explanation: 'Invalid \\escape at line 1 column 3' });
    expect(scanJson('["\\u12"]')).toEqual({ explanation: 'Invalid \\uXXXX escape at line 1 column 3' });
  });
});

describe('number literals a double cannot carry', () => {
  const lit = (source: string) => new JsonNumberLiteral(source);
  const parse = (text: string) => {
    const r = parseJsonText(text);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it.each([
    ['overflow', '1e400'],
    ['negative overflow', '-1e400'],
    ['overflow with a long exponent', '1e000000000000000000400'],
    ['overflow by digits alone', '1' + '0'.repeat(400)],
    ['an integer just above 2^53', '9007199254740993'],
    ['a negative integer just above 2^53', '-9007199254740993'],
    ['an integer above 2^53 that rounds up', '12345678901234567'],
    ['the same in exponent notation', '1.2345678901234567e16'],
    ['more significant digits than a double holds', '12.50000000000000001'],
    ['a fraction past 2^53', '9007199254740992.5'],
    ['underflow to 0', '1e-400'],
    ['negative underflow to 0', '-1e-400'],
    ['underflow by digits alone', '0.' + '0'.repeat(400) + '1'],
    ['a subnormal with more digits than it holds', '4.9406564584124654e-324'],
  ])('keeps %s as a JsonNumberLiteral: %s', (_label, source) => {
    expect(parse(`{"a": ${source}}`)).toEqual({ a: lit(source) });
  });

  it.each([
    ['2^53', '9007199254740992', 9007199254740992],
    ['-(2^53)', '-9007199254740992', -9007199254740992],
    ['a 17-digit value that round-trips', '0.30000000000000004', 0.30000000000000004],
    ['trailing zeros', '1.0000000000000000000', 1],
    ['1e21', '1e21', 1e21],
    ['a 3-digit exponent in range', '1.5e300', 1.5e300],
    ['a long exponent with leading zeros', '1e-0000005', 1e-5],
    ['the largest double', '1.7976931348623157e308', Number.MAX_VALUE],
    ['the smallest subnormal', '5e-324', 5e-324],
    ['zero with a huge exponent', '0e999999', 0],
    ['many zeros after the point', '0.' + '0'.repeat(300), 0],
    ['an exact 20-digit integer', '100000000000000000000', 1e20],
  ])('parses %s as a plain number: %s', (_label, source, expected) => {
    expect(parse(`{"a": ${source}}`)).toEqual({ a: expected });
    expect(typeof parse(`{"a": ${source}}`)['a']).toBe('number');
  });

  it('keeps -0 as JSON.parse does', () => {
    expect(Object.is(parse('{"a": -0}')['a'], -0)).toBe(true);
    expect(Object.is(parse('{"a": -0.0e400, "b": "1234567890123456"}')['a'], -0)).toBe(true);
  });

  it('finds literals anywhere: nested arrays and objects, several per body, keys and other values intact', () => {
    const text =
      '{"items": [{"sku_code": 12345678901234567, "quantity": 1, "notes": null}, {"sku_code": "x", "quantity": 1e400}],' +
      ' "m": {"deep": [[1, 2.5, [9007199254740993]], {"t": true, "f": false}]}, "last": -1e-400, "s": "\\"quoted\\" \\u00e7"}';
    expect(parse(text)).toEqual({
      items: [
        { sku_code: lit('12345678901234567'), quantity: 1, notes: null },
        { sku_code: 'x', quantity: lit('1e400') },
      ],
      m: { deep: [[1, 2.5, [lit('9007199254740993')]], { t: true, f: false }] },
      last: lit('-1e-400'),
      s: '"quoted" ç',
    });
  });

  it('keeps whitespace and empty containers around literals', () => {
    expect(parse(' \n{ "a" :\t[ ] , "b" : { } , "c" : [ 1e400 , 2 ] }\r\n')).toEqual({ a: [], b: {}, c: [lit('1e400'), 2] });
  });

  it('does not take digits inside strings for literals', () => {
    const text = '{"sku": "12345678901234567", "k1e400": "1e400", "12345678901234567": 1, "f": "0.00000000000000000001"}';
    expect(parse(text)).toEqual(JSON.parse(text));
    expect(parse('{"a": "12345678901234567", "b": 12345678901234567}')).toEqual({ a: '12345678901234567', b: lit('12345678901234567') });
  });

  it('keeps JSON.parse semantics for duplicate keys: the last wins, in the position of the first', () => {
    const value = parse('{"a": 1e400, "b": 2, "a": 3, "c": 12345678901234567, "c": 12345678901234569}');
    expect(value).toEqual({ a: 3, b: 2, c: lit('12345678901234569') });
    expect(Object.keys(value)).toEqual(['a', 'b', 'c']);
    expect(parse('{"a": 1, "a": 1e400}')).toEqual({ a: lit('1e400') });
  });

  it('keeps "__proto__" an own data property, as JSON.parse does', () => {
    const value = parse('{"__proto__": {"polluted": 1e400}, "__proto__": {"x": 12345678901234567}, "n": 1}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'n']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')!.value).toEqual({ x: lit('12345678901234567') });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('keeps lone surrogate escapes and other escapes in the built value', () => {
    expect(parse('{"a": "\\ud800", "b": "\\/\\b\\f\\n\\r\\t", "n": 1e400}')).toEqual({ a: '\ud800', b: '/\b\f\n\r\t', n: lit('1e400') });
  });

  it('builds the same value as JSON.parse when the text holds no such literal, even after tokenizing', () => {
    // each of these triggers the tokenizer (a long digit run or a 3-digit exponent) but holds no inexact literal
    for (const text of [
      '{"a": [1, {"b": "1234567890123456"}], "c": 1.5e300}',
      '{"a": 0.30000000000000004, "__proto__": 1}',
      '{"a": 12345678.1, "b": 1.12345678}',
    ]) {
      const value = parse(text);
      expect(value).toEqual(JSON.parse(text));
      expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
    }
  });

  it('is the same for a small body and a body above 1 MiB', () => {
    const pad = 'x'.repeat(1_200_000);
    expect(parse(`{"pad": "${pad}", "a": 9007199254740993}`)).toEqual({ pad, a: lit('9007199254740993') });
  });

  it('leaves malformed-JSON messages and the nesting limit unchanged', () => {
    expect(parseJsonText('{"a": 1e400,}')).toEqual(malformed('Expecting property name enclosed in double quotes at line 1 column 13'));
    expect(parseJsonText('{"a": 12345678901234567 "b": 1}')).toEqual(malformed("Expecting ',' delimiter at line 1 column 25"));
    expect(parseJsonText('{"a": 1e}')).toEqual(malformed('Invalid number at line 1 column 7'));
    expect(parseJsonText(`{"a": 1e400, "b": ${nested(MAX_JSON_DEPTH)}}`)).toEqual(malformed('maximum nesting depth of 64 exceeded'));
    expect(parseJsonText(`{"a": 1e400, "b": ${nested(MAX_JSON_DEPTH - 1, '12345678901234567')}}`)).toEqual({
      ok: true,
      value: { a: lit('1e400'), b: JSON.parse(nested(MAX_JSON_DEPTH - 1, '"X"'), (_k, v: unknown) => (v === 'X' ? lit('12345678901234567') : v)) },
    });
  });

  it('a literal at the top level is still not an object', () => {
    expect(parseJsonText('1e400')).toEqual(notAnObject);
    expect(parseJsonText('[12345678901234567]')).toEqual(notAnObject);
  });

  it('reports where the tokenizer found inexact literals', () => {
    const found: number[] = [];
    expect(scanJson('[1, 1e400, "1e400", 0.1, 12345678901234567, 9007199254740992]', MAX_JSON_DEPTH, found)).toBeNull();
    expect(found).toEqual([4, 25]);
  });
});

describe('the fast path', () => {
  const inventoryBody = (rows: number, extra = '') => {
    const list: string[] = [];
    for (let i = 0; i < rows; i++) list.push(`{"location_code":"A-101","sku_code":"SKU-${String(i).padStart(5, '0')}","quantity":${i % 1000}}`);
    return `{"inventory":[${list.join(',')}],"source":"erp_sync"${extra}}`;
  };

  it('does not tokenize an ordinary body, and returns exactly what JSON.parse gives', () => {
    const text = inventoryBody(2000, ',"when":"2026-04-16T10:00:00.482913Z","cost":12.5,"big":1e21,"tiny":1.5e-7,"phone":"+90 5321234567"');
    expect(mayHoldInexactNumber(text)).toBe(false);
    expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it.each([
    ['16 integer digits', '1234567890123456'],
    ['8 integer digits and a fraction', '12345678.1'],
    ['9 fraction digits', '1.123456789'],
    ['a 3-digit exponent', '1e400'],
    ['a 3-digit negative exponent', '1E-400'],
    ['a 3-digit signed exponent', '1e+400'],
  ])('tokenizes when the text has %s (%s)', (_label, source) => {
    expect(mayHoldInexactNumber(`{"a": ${source}}`)).toBe(true);
  });

  it('never misses an inexact literal (randomised literals of every shape)', () => {
    let seed = 42;
    const random = (below: number) => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
    };
    const digits = (count: number, leading: boolean) => {
      let s = leading ? String(1 + random(9)) : '';
      while (s.length < count) s += String(random(10));
      return s;
    };
    let inexactSeen = 0;
    const wrong: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const intLength = 1 + random(random(4) === 0 ? 320 : 20);
      const int = random(5) === 0 ? '0' : digits(intLength, true);
      const frac = random(2) === 0 ? '' : '.' + (random(3) === 0 ? '0'.repeat(random(330)) : '') + digits(1 + random(20), false);
      const exp = random(2) === 0 ? '' : (random(2) ? 'e' : 'E') + ['', '+', '-'][random(3)] + digits(1 + random(3), false);
      const source = (random(2) ? '-' : '') + int + frac + exp;
      const text = `{"a": ${source}}`;
      const r = parseJsonText(text);
      const a = r.ok ? r.value['a'] : undefined;
      if (!isExactNumberLiteral(source)) {
        inexactSeen++;
        if (!mayHoldInexactNumber(text)) wrong.push(`trigger missed ${source}`);
        if (!(a instanceof JsonNumberLiteral) || a.source !== source) wrong.push(`not kept: ${source}`);
      } else if (!Object.is(a, Number(source))) {
        wrong.push(`not a plain number: ${source}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(inexactSeen).toBeGreaterThan(500);
  });
});

describe('parseJsonText (a large body forwarded by the gateway)', () => {
  it('applies the same rules as parseJsonBody', () => {
    const deep = '{"a":' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}';
    expect(parseJsonText(deep)).toEqual(parseJsonBody(Buffer.from(deep)));
    expect(parseJsonText('{"inventory": []}')).toEqual({ ok: true, value: { inventory: [] } });
    expect(parseJsonText('[1]')).toEqual(parseJsonBody(Buffer.from('[1]')));
    expect(parseJsonText('')).toEqual({ ok: true, value: {} });
  });
});
