import fc from 'fast-check';
import { serializeJsonBounded, truncateUtf8, utf8CutPoint } from './bounded-json';
import { parseJsonText } from './json-body';

describe('truncateUtf8', () => {
  it('keeps whole characters within the byte budget', () => {
    expect(truncateUtf8('abc', 2)).toBe('ab');
    expect(truncateUtf8('aé', 2)).toBe('a'); // é is 2 bytes
    expect(truncateUtf8('a😀b', 4)).toBe('a'); // the pair is never split
    expect(truncateUtf8('a😀b', 5)).toBe('a😀');
    expect(truncateUtf8('€€', 5)).toBe('€');
  });

  it('never exceeds the budget and is a prefix (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat(40), (s, max) => {
        const cut = truncateUtf8(s, max);
        expect(s.startsWith(cut)).toBe(true);
        expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('utf8CutPoint', () => {
  it('steps back to a character start', () => {
    const bytes = Buffer.from('aé€😀', 'utf8'); // 1 + 2 + 3 + 4 bytes
    expect(utf8CutPoint(bytes, 2)).toBe(1);
    expect(utf8CutPoint(bytes, 3)).toBe(3);
    expect(utf8CutPoint(bytes, 8)).toBe(6);
    expect(utf8CutPoint(bytes, 100)).toBe(10);
  });
});

describe('serializeJsonBounded', () => {
  it('writes what JSON.stringify writes when under the budget', () => {
    const value = { a: [1, 'x', null, true, { b: 'é' }], c: {} };
    expect(serializeJsonBounded(value, 1000)).toEqual({ text: JSON.stringify(value), shortened: false });
  });

  it('writes number literals that a double cannot hold as they were sent', () => {
    const parsed = parseJsonText('{"q": 12345678901234567890, "r": 1.50}');
    if (!parsed.ok) throw new Error('parse failed');
    expect(serializeJsonBounded(parsed.value, 1000).text).toBe('{"q":12345678901234567890,"r":1.5}');
  });

  it('stops early on a large value, with at least the budget in text', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ location_code: `L-${i}`, quantity: i }));
    const out = serializeJsonBounded({ inventory: rows }, 1000);
    expect(out.shortened).toBe(true);
    expect(out.text.length).toBeGreaterThan(1000);
    expect(out.text.length).toBeLessThan(2000);
    expect(JSON.stringify({ inventory: rows }).startsWith(out.text)).toBe(true);
  });

  it('flags a text over the budget in bytes though not in characters', () => {
    expect(serializeJsonBounded({ s: 'éééé' }, 13)).toEqual({ text: '{"s":"éééé"}', shortened: true });
  });
});
