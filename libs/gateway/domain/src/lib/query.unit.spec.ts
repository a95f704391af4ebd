import { decodeQueryComponent, parseQuery } from './query';

describe('parseQuery', () => {
  it('keeps the first occurrence of each parameter', () => {
    expect(parseQuery('status=pending&status=shipped&limit=5')).toEqual({ status: 'pending', limit: '5' });
  });

  it('decodes + as space and percent-escapes as UTF-8', () => {
    expect(parseQuery('q=a+b%20c&name=%C3%87anta&plus=%2B')).toEqual({ q: 'a b c', name: 'Çanta', plus: '+' });
  });

  it('decodes parameter names too', () => {
    expect(parseQuery('updated%5Fsince=2026-01-01')).toEqual({ updated_since: '2026-01-01' });
  });

  it('keeps a value with a malformed escape as received instead of failing', () => {
    expect(parseQuery('cursor=%ZZ+x&by=%FF')).toEqual({ cursor: '%ZZ+x', by: '%FF' });
  });

  it('handles empty values, missing = and empty parts', () => {
    expect(parseQuery('a=&b&&=x&c=1=2')).toEqual({ a: '', b: '', c: '1=2' });
  });

  it('returns no parameters for an absent or empty query', () => {
    expect(parseQuery(null)).toEqual({});
    expect(parseQuery('')).toEqual({});
  });

  it('treats __proto__ as an ordinary parameter', () => {
    const q = parseQuery('__proto__=x&a=1');
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(Object.keys(q)).toEqual(['__proto__', 'a']);
  });
});

describe('decodeQueryComponent', () => {
  it('leaves text without escapes alone apart from +', () => {
    expect(decodeQueryComponent('a+b')).toBe('a b');
  });
});
