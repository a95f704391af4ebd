import { parseJsonText } from '../json-body';
import { JsonNumberLiteral } from '../json-number';
import { Messages } from './messages';
import {
  bool,
  choice,
  datetime,
  decimal,
  integer,
  joinPath,
  jsonObject,
  list,
  numberToPlainDecimal,
  shape,
  str,
  toApiString,
  type FieldParser,
  type Parsed,
} from './parsers';

const okOf = <T>(value: T): Parsed<T> => ({ ok: true, value });
const lit = (source: string) => new JsonNumberLiteral(source);
/** The value of `field` in `{"field": <literal>}` as the body parser gives it (a JsonNumberLiteral or a number). */
const sent = (literal: string): unknown => {
  const r = parseJsonText(`{"field": ${literal}}`);
  if (!r.ok) throw new Error(r.error.message);
  return r.value['field'];
};
const bad = (message: string, path = ''): Parsed<never> => ({ ok: false, issues: [{ path, message }] });

// Compile-time checks of the presence typing.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;
type Out<P> = P extends FieldParser<infer T> ? T : never;

describe('parser output types', () => {
  it('reflects required / nullable / blank handling', () => {
    const required = str({ required: true, trim: true, max: 100 });
    const optionalNullable = str({ nullable: true, max: 255 });
    const blankAsNull = str({ trim: true, allowBlankAsNull: true, nullable: true });
    const plain = str();
    const obj = jsonObject({ nullAsEmpty: true });
    const objRequired = jsonObject({ required: true });
    const int = integer({ required: true, min: 1 });
    expect([
      assertType<Equals<Out<typeof required>, string>>(),
      assertType<Equals<Out<typeof optionalNullable>, string | null | undefined>>(),
      assertType<Equals<Out<typeof blankAsNull>, string | null | undefined>>(),
      assertType<Equals<Out<typeof plain>, string | undefined>>(),
      assertType<Equals<Out<typeof obj>, Record<string, unknown> | undefined>>(),
      assertType<Equals<Out<typeof objRequired>, Record<string, unknown>>>(),
      assertType<Equals<Out<typeof int>, number>>(),
    ]).toEqual([true, true, true, true, true, true, true]);
  });
});

describe('presence', () => {
  it('absent → undefined unless required', () => {
    expect(str()(undefined)).toEqual(okOf(undefined));
    expect(str({ required: true })(undefined)).toEqual(bad('This field is required.'));
    expect(integer({ required: true })(undefined)).toEqual(bad('This field is required.'));
  });

  it('null → error unless nullable', () => {
    expect(str()(null)).toEqual(bad('This field may not be null.'));
    expect(str({ required: true })(null)).toEqual(bad('This field may not be null.'));
    expect(str({ nullable: true })(null)).toEqual(okOf(null));
    expect(integer()(null)).toEqual(bad('This field may not be null.'));
    expect(bool()(null)).toEqual(bad('This field may not be null.'));
    expect(datetime({ nullable: true })(null)).toEqual(okOf(null));
  });
});

describe('str', () => {
  it('accepts JSON strings as sent', () => {
    expect(str()('  hello  ')).toEqual(okOf('  hello  '));
    expect(str()('')).toEqual(okOf(''));
  });

  it('converts JSON integers to decimal text', () => {
    expect(str()(4512)).toEqual(okOf('4512'));
    expect(str()(-7)).toEqual(okOf('-7'));
    expect(str()(-0)).toEqual(okOf('0'));
    expect(str()(10.0)).toEqual(okOf('10'));
    expect(str()(1e21)).toEqual(okOf('1000000000000000000000'));
    expect(toApiString(4512)).toBe('4512');
  });

  it.each([
    ['12345678901234567', '12345678901234567'],
    ['-12345678901234567', '-12345678901234567'],
    ['9007199254740993', '9007199254740993'],
    ['1.2345678901234567e16', '12345678901234567'],
    ['12345678901234567.000000000000000000', '12345678901234567'],
    ['1e21', '1000000000000000000000'],
    ['1e23', '100000000000000000000000'],
    ['1e300', '1' + '0'.repeat(300)],
    ['4.5e1', '45'],
  ])('converts the integer literal %s digit for digit', (literal, expected) => {
    expect(str()(sent(literal))).toEqual(okOf(expected));
    expect(str({ trim: true, max: 400 })(sent(literal))).toEqual(okOf(expected));
  });

  it.each([['1e400'], ['-1e400'], ['1e-400'], ['12.50000000000000001'], ['9007199254740992.5']])(
    'rejects the literal %s (not integral, or outside the range of a double)',
    (literal) => {
      expect(str()(sent(literal))).toEqual(bad('Not a valid string.'));
      expect(toApiString(sent(literal))).toBeNull();
    },
  );

  it('applies the length limit to converted literals', () => {
    expect(str({ max: 100 })(sent('1e300'))).toEqual(bad('Ensure this field has no more than 100 characters.'));
  });

  it.each([[1.5], [true], [false], [[]], [['a']], [{}], [{ a: 1 }], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %p as not a valid string',
    (value) => {
      expect(str()(value)).toEqual(bad('Not a valid string.'));
    },
  );

  it('rejects U+0000 and unpaired surrogates', () => {
    expect(str()('a\u0000b')).toEqual(bad('Not a valid string.'));
    expect(str()('\ud800')).toEqual(bad('Not a valid string.'));
    expect(str()('x\udfff')).toEqual(bad('Not a valid string.'));
    expect(str({ trim: true })(' \u0000 ')).toEqual(bad('Not a valid string.'));
    expect(str()('😀')).toEqual(okOf('😀'));
  });

  it('counts length in code points', () => {
    expect(str({ max: 3 })('😀😀😀')).toEqual(okOf('😀😀😀'));
    expect(str({ max: 3 })('😀😀😀😀')).toEqual(bad('Ensure this field has no more than 3 characters.'));
    expect(str({ max: 100 })('x'.repeat(100))).toEqual(okOf('x'.repeat(100)));
    expect(str({ max: 100 })('x'.repeat(101))).toEqual(bad('Ensure this field has no more than 100 characters.'));
  });

  it('trims identifier-like fields before validation', () => {
    const id = str({ trim: true, max: 5 });
    expect(id('  ab  ')).toEqual(okOf('ab'));
    expect(id('\t abcde \n')).toEqual(okOf('abcde'));
    expect(id('   ')).toEqual(bad('This field may not be blank.'));
    expect(id('')).toEqual(bad('This field may not be blank.'));
    expect(id(' abcdef ')).toEqual(bad('Ensure this field has no more than 5 characters.'));
  });

  it('turns a blank optional identifier into null when asked', () => {
    const ext = str({ trim: true, allowBlankAsNull: true, nullable: true, max: 100 });
    expect(ext('')).toEqual(okOf(null));
    expect(ext('   ')).toEqual(okOf(null));
    expect(ext(null)).toEqual(okOf(null));
    expect(ext(' E-1 ')).toEqual(okOf('E-1'));
    expect(str({ blank: 'error' })('')).toEqual(bad('This field may not be blank.'));
    expect(str({ blank: 'null' })('')).toEqual(okOf(null));
  });
});

describe('integer', () => {
  const int = integer({ min: 1, max: 1_000_000 });

  it.each([
    [10, 10],
    [10.0, 10],
    [1e3, 1000],
    [1_000_000, 1_000_000],
  ])('accepts %p', (input, expected) => {
    expect(int(input)).toEqual(okOf(expected));
  });

  it('normalises -0 to 0', () => {
    const r = integer()(-0);
    expect(r.ok && Object.is(r.value, 0)).toBe(true);
  });

  it('accepts magnitudes up to 2^53 and rejects larger ones', () => {
    expect(integer()(2 ** 53)).toEqual(okOf(2 ** 53));
    expect(integer()(-(2 ** 53))).toEqual(okOf(-(2 ** 53)));
    expect(integer()(2 ** 53 + 2)).toEqual(bad('A valid integer is required.'));
    expect(integer()(-(2 ** 53) - 2)).toEqual(bad('A valid integer is required.'));
    expect(integer()(1e300)).toEqual(bad('A valid integer is required.'));
  });

  it.each([[1.5], [0.1], ['5'], ['abc'], [true], [[]], [{}], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %p',
    (value) => {
      expect(integer()(value)).toEqual(bad('A valid integer is required.'));
    },
  );

  it.each([['9007199254740993'], ['-9007199254740993'], ['12345678901234567'], ['1e400'], ['-1e400'], ['1e-400'], ['1.00000000000000000001'], ['9007199254740992.5']])(
    'rejects the literal %s by its exact value',
    (literal) => {
      expect(sent(literal)).toBeInstanceOf(JsonNumberLiteral);
      expect(integer()(sent(literal))).toEqual(bad('A valid integer is required.'));
    },
  );

  it('accepts 2^53 exactly, also written in other notations', () => {
    expect(integer()(sent('9007199254740992'))).toEqual(okOf(2 ** 53));
    expect(integer()(sent('-9.007199254740992e15'))).toEqual(okOf(-(2 ** 53)));
    expect(integer()(sent('9007199254740992.000000000000000'))).toEqual(okOf(2 ** 53));
    // a literal is judged by its exact value even if it is one a double could carry
    expect(integer()(lit('9007199254740992'))).toEqual(okOf(2 ** 53));
    expect(integer({ max: 10 })(lit('1.1e1'))).toEqual(bad('Ensure this value is less than or equal to 10.'));
  });

  it('applies the range messages', () => {
    expect(int(0)).toEqual(bad('Ensure this value is greater than or equal to 1.'));
    expect(int(-3)).toEqual(bad('Ensure this value is greater than or equal to 1.'));
    expect(int(1_000_001)).toEqual(bad('Ensure this value is less than or equal to 1000000.'));
    expect(integer({ min: 0, max: 1_000_000_000 })(1_000_000_001)).toEqual(
      bad('Ensure this value is less than or equal to 1000000000.'),
    );
  });
});

describe('decimal', () => {
  const cost = decimal({ maxIntegerDigits: 12, maxDecimalPlaces: 4, min: 0, nullable: true });

  it.each([
    [42.5, 42.5],
    ['42.50', 42.5],
    ['12.50', 12.5],
    [' 12.5 ', 12.5],
    ['0', 0],
    [0, 0],
    ['-0', 0],
    ['007.5', 7.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+3', 3],
    [1e3, 1000],
    ['999999999999.9999', 999999999999.9999],
    [999999999999, 999999999999],
    ['0.0001', 0.0001],
    [0.0001, 0.0001],
    ['12.50000', 12.5],
  ])('accepts %p → %p', (input, expected) => {
    expect(cost(input)).toEqual(okOf(expected));
  });

  it('accepts null when nullable', () => {
    expect(cost(null)).toEqual(okOf(null));
  });

  it.each([['1e3'], ['abc'], [''], ['.'], ['1,5'], ['0x10'], ['NaN'], ['Infinity'], [true], [[]], [{}], [Number.NaN]])(
    'rejects %p as not a number',
    (value) => {
      expect(cost(value)).toEqual(bad('A valid number is required.'));
    },
  );

  it('limits decimal places', () => {
    expect(cost('1.23456')).toEqual(bad('Ensure that there are no more than 4 decimal places.'));
    expect(cost(0.00001)).toEqual(bad('Ensure that there are no more than 4 decimal places.'));
    expect(cost(1.23456)).toEqual(bad('Ensure that there are no more than 4 decimal places.'));
  });

  it('limits digits before the decimal point', () => {
    expect(cost('1234567890123')).toEqual(bad('Ensure that there are no more than 12 digits before the decimal point.'));
    expect(cost(1e12)).toEqual(bad('Ensure that there are no more than 12 digits before the decimal point.'));
    expect(cost(1e21)).toEqual(bad('Ensure that there are no more than 12 digits before the decimal point.'));
  });

  it.each([['1e400'], ['-1e400']])('rejects the literal %s (outside the range of a double) as not a number', (literal) => {
    expect(cost(sent(literal))).toEqual(bad('A valid number is required.'));
  });

  it.each([
    ['12.50000000000000001', 'Ensure that there are no more than 4 decimal places.'],
    ['1e-400', 'Ensure that there are no more than 4 decimal places.'],
    ['1e-99999999999', 'Ensure that there are no more than 4 decimal places.'],
    ['-1e-400', 'Ensure that there are no more than 4 decimal places.'],
    ['0.' + '0'.repeat(400) + '1', 'Ensure that there are no more than 4 decimal places.'],
    ['12345678901234567', 'Ensure that there are no more than 12 digits before the decimal point.'],
    ['9007199254740993', 'Ensure that there are no more than 12 digits before the decimal point.'],
    ['1.0000000000000000000001e12', 'Ensure that there are no more than 4 decimal places.'],
  ])('judges the literal %s by its own digits', (literal, message) => {
    expect(sent(literal)).toBeInstanceOf(JsonNumberLiteral);
    expect(cost(sent(literal))).toEqual(bad(message));
  });

  it('accepts a literal within the limits by its exact value', () => {
    expect(cost(lit('123456789012.3456'))).toEqual(okOf(123456789012.3456));
    expect(cost(lit('12.50000000000000000'))).toEqual(okOf(12.5));
    expect(cost(lit('-1.5'))).toEqual(bad('Ensure this value is greater than or equal to 0.'));
  });

  it('handles long runs of zeros in strings in linear time', () => {
    const started = Date.now();
    expect(cost('0.' + '0'.repeat(200_000) + '1')).toEqual(bad('Ensure that there are no more than 4 decimal places.'));
    expect(cost('0'.repeat(200_000) + '1.' + '0'.repeat(200_000))).toEqual(okOf(1));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('applies the minimum', () => {
    expect(cost(-1)).toEqual(bad('Ensure this value is greater than or equal to 0.'));
    expect(cost('-0.01')).toEqual(bad('Ensure this value is greater than or equal to 0.'));
  });

  it('renders numbers as plain decimal text', () => {
    expect(numberToPlainDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToPlainDecimal(1.5e-7)).toBe('0.00000015');
    expect(numberToPlainDecimal(-2.5)).toBe('-2.5');
    expect(numberToPlainDecimal(123)).toBe('123');
    expect(numberToPlainDecimal(1.25e22)).toBe('12500000000000000000000');
  });
});

describe('bool', () => {
  it('accepts only true and false', () => {
    expect(bool()(true)).toEqual(okOf(true));
    expect(bool()(false)).toEqual(okOf(false));
    for (const v of ['true', 1, 0, 'yes', [], {}, lit('1e400'), lit('12345678901234567')]) {
      expect(bool()(v)).toEqual(bad('Must be a valid boolean.'));
    }
  });
});

describe('jsonObject', () => {
  const obj = jsonObject({ maxBytes: 65536, nullAsEmpty: true });

  it('accepts objects and turns null into {}', () => {
    expect(obj({ a: 1 })).toEqual(okOf({ a: 1 }));
    expect(obj(null)).toEqual(okOf({}));
    expect(obj(undefined)).toEqual(okOf(undefined));
    expect(jsonObject()(null)).toEqual(bad('This field may not be null.'));
    expect(jsonObject({ nullable: true })(null)).toEqual(okOf(null));
  });

  it.each([[[]], ['x'], [1], [true]])('rejects %p', (v) => {
    expect(obj(v)).toEqual(bad('Expected a JSON object.'));
  });

  it('accepts exactly 65,536 bytes and rejects 65,537', () => {
    const make = (total: number): Record<string, unknown> => ({ k: 'x'.repeat(total - '{"k":""}'.length) });
    expect(Buffer.byteLength(JSON.stringify(make(65536)))).toBe(65536);
    expect(obj(make(65536)).ok).toBe(true);
    expect(obj(make(65537))).toEqual(bad('Ensure this object is no larger than 65536 bytes when serialized.'));
  });

  it('counts UTF-8 bytes, not characters', () => {
    const value = { k: 'é'.repeat(32764) }; // 8 + 2 * 32764 = 65536
    expect(obj(value).ok).toBe(true);
    expect(obj({ k: 'é'.repeat(32765) }).ok).toBe(false);
  });

  it('reports invalid nested strings at their path', () => {
    expect(obj({ a: 'ok', b: 'x\u0000', c: [1, '\ud800'] })).toEqual({
      ok: false,
      issues: [
        { path: '.b', message: 'Not a valid string.' },
        { path: '.c[1]', message: 'Not a valid string.' },
      ],
    });
    expect(obj({ ['k\u0000']: 1 })).toEqual(bad('Not a valid string.'));
  });

  it('rejects number literals a double cannot carry, wherever they are nested, before serializing', () => {
    const r = parseJsonText('{"m": {"a": 1e400, "b": {"c": [1, 12345678901234567]}, "d": 12.5, "e": "12345678901234567", "f": 1e-400}}');
    expect(r.ok).toBe(true);
    expect(obj(r.ok ? r.value['m'] : undefined)).toEqual({
      ok: false,
      issues: [
        { path: '.a', message: 'This number cannot be stored exactly; send it as a string.' },
        { path: '.b.c[1]', message: 'This number cannot be stored exactly; send it as a string.' },
        { path: '.f', message: 'This number cannot be stored exactly; send it as a string.' },
      ],
    });
    // too large as well: the literal is reported, the size check (which serializes) never sees it
    expect(obj({ big: 'x'.repeat(70_000), n: lit('1e400') })).toEqual(bad('This number cannot be stored exactly; send it as a string.', '.n'));
    expect(obj(lit('1e400'))).toEqual(bad('Expected a JSON object.'));
  });

  it('stores exact numbers unchanged', () => {
    const r = parseJsonText('{"m": {"a": 0.30000000000000004, "b": 1e21, "c": 9007199254740992, "d": "12345678901234567"}}');
    expect(obj(r.ok ? r.value['m'] : undefined)).toEqual(okOf({ a: 0.30000000000000004, b: 1e21, c: 9007199254740992, d: '12345678901234567' }));
  });
});

describe('datetime', () => {
  it('normalises to UTC with Z', () => {
    expect(datetime()('2026-05-01')).toEqual(okOf('2026-05-01T00:00:00Z'));
    expect(datetime()('2026-05-01T10:00:00.482913+02:00')).toEqual(okOf('2026-05-01T08:00:00.482913Z'));
  });

  it.each([['2026-13-01'], ['nope'], [20260501], [true], [{}]])('rejects %p', (v) => {
    expect(datetime()(v)).toEqual(bad('Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'));
  });

  it('rejects a number literal', () => {
    expect(datetime()(lit('20260501000000000000'))).toEqual(bad('Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'));
  });
});

describe('choice', () => {
  it('accepts listed values', () => {
    const c = choice(['a', 'b'] as const);
    expect(c('a')).toEqual(okOf('a'));
    expect(c('bogus')).toEqual(bad('"bogus" is not a valid choice.'));
    expect(c(true)).toEqual(bad('Not a valid string.'));
    expect(c(lit('12345678901234567'))).toEqual(bad('"12345678901234567" is not a valid choice.'));
    expect(c(lit('1e400'))).toEqual(bad('Not a valid string.'));
  });
});

describe('list and shape', () => {
  const line = shape({
    sku_code: str({ required: true, trim: true, max: 100 }),
    quantity: integer({ required: true, min: 1 }),
  });
  const lines = list(line, { required: true, min: 1, max: 3 });

  it('parses elements in order', () => {
    expect(lines([{ sku_code: ' A ', quantity: 1, extra: true }])).toEqual(okOf([{ sku_code: 'A', quantity: 1 }]));
  });

  it('reports list-level problems without validating elements', () => {
    expect(lines(undefined)).toEqual(bad('This field is required.'));
    expect(lines(null)).toEqual(bad('This field may not be null.'));
    expect(lines({})).toEqual(bad('Expected a list of items.'));
    expect(lines('x')).toEqual(bad('Expected a list of items.'));
    expect(lines([])).toEqual(bad('This list may not be empty.'));
    expect(lines([1, 2, 3, 4])).toEqual(bad('Ensure this field has no more than 3 elements.'));
  });

  it('reports element errors element-major', () => {
    expect(lines([{ quantity: 0 }, 'x', { sku_code: 'B', quantity: 1.5 }])).toEqual({
      ok: false,
      issues: [
        { path: '[0].sku_code', message: 'This field is required.' },
        { path: '[0].quantity', message: 'Ensure this value is greater than or equal to 1.' },
        { path: '[1]', message: 'Expected a JSON object.' },
        { path: '[2].quantity', message: 'A valid integer is required.' },
      ],
    });
  });

  it('judges literals inside lists and shapes, and never takes a literal for a list or an object', () => {
    const r = parseJsonText('{"items": [{"sku_code": 12345678901234567, "quantity": 1}, {"sku_code": "B", "quantity": 9007199254740993}, 1e400]}');
    const items = r.ok ? r.value['items'] : undefined;
    expect(lines(items)).toEqual({
      ok: false,
      issues: [
        { path: '[1].quantity', message: 'A valid integer is required.' },
        { path: '[2]', message: 'Expected a JSON object.' },
      ],
    });
    expect(lines((items as unknown[]).slice(0, 1))).toEqual(okOf([{ sku_code: '12345678901234567', quantity: 1 }]));
    expect(lines(lit('1e400'))).toEqual(bad('Expected a list of items.'));
  });

  it('joins paths', () => {
    expect(joinPath('items', '[0].quantity')).toBe('items[0].quantity');
    expect(joinPath('metadata', '.a')).toBe('metadata.a');
    expect(joinPath('sku', '')).toBe('sku');
    expect(joinPath('', '.a')).toBe('a');
  });
});

describe('Messages', () => {
  it('has the catalogue texts', () => {
    expect(Messages.maxLength(255)).toBe('Ensure this field has no more than 255 characters.');
    expect(Messages.maxItems(1000)).toBe('Ensure this field has no more than 1000 elements.');
    expect(Messages.duplicateOrder('order_number')).toBe('An order with this order_number already exists.');
    expect(Messages.duplicateProduct('sku')).toBe('A product with this sku already exists.');
    expect(Messages.invalidChoice('bogus')).toBe('"bogus" is not a valid choice.');
  });
});
