import { hasOwn, isJsonObject, jsonByteLength, jsonEqual } from './json';

describe('json helpers', () => {
  it('recognises plain objects', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(JSON.parse('{"a":1}'))).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('x')).toBe(false);
    expect(isJsonObject(new Date())).toBe(false);
  });

  it('measures compact UTF-8 JSON', () => {
    expect(jsonByteLength({})).toBe(2);
    expect(jsonByteLength({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(jsonByteLength({ a: [1, 2] })).toBe('{"a":[1,2]}'.length);
  });

  it('compares JSON structurally, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: null }, { a: null })).toBe(true);
    expect(jsonEqual({ a: null }, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
    expect(jsonEqual(0, -0)).toBe(true);
  });

  it('checks own properties safely', () => {
    const body = JSON.parse('{"__proto__": 1, "a": 2}') as Record<string, unknown>;
    expect(hasOwn(body, '__proto__')).toBe(true);
    expect(hasOwn(body, 'constructor')).toBe(false);
    expect(hasOwn({}, 'toString')).toBe(false);
  });
});
