import { exceedsSafeLimit, MAX_JSON_DEPTH, parseJsonBody, parseJsonText, scanJson } from './json-body';

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

describe('integers just above 2^53', () => {
  it('knows which literals exceed 2^53 exactly', () => {
    expect(exceedsSafeLimit('9007199254740992')).toBe(false);
    expect(exceedsSafeLimit('9007199254740993')).toBe(true);
    expect(exceedsSafeLimit('-9007199254740993')).toBe(true);
    expect(exceedsSafeLimit('9007199254740992.5')).toBe(true);
    expect(exceedsSafeLimit('9.007199254740993e15')).toBe(true);
    expect(exceedsSafeLimit('9.007199254740992e15')).toBe(false);
  });

  it('keeps a literal that rounds to 2^53 above 2^53 after parsing, and leaves 2^53 itself alone', () => {
    const above = parseJsonBody(Buffer.from('{"q": 9007199254740993, "s": "9007199254740993", "n": -9007199254740993}'));
    expect(above).toEqual({ ok: true, value: { q: 9007199254740994, s: '9007199254740993', n: -9007199254740994 } });
    const exact = parseJsonBody(Buffer.from('{"q": 9007199254740992}'));
    expect(exact).toEqual({ ok: true, value: { q: 9007199254740992 } });
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
