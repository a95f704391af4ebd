import { headerValue } from './headers';

describe('headerValue', () => {
  it('reads single, repeated and absent headers', () => {
    const headers = { a: 'x', b: ['x', 'y'], c: ['z'], d: [] as string[], e: undefined };
    expect(headerValue(headers, 'a')).toBe('x');
    expect(headerValue(headers, 'b')).toBe('x, y');
    expect(headerValue(headers, 'c')).toBe('z');
    expect(headerValue(headers, 'd')).toBeUndefined();
    expect(headerValue(headers, 'e')).toBeUndefined();
    expect(headerValue(headers, 'missing')).toBeUndefined();
  });
});
