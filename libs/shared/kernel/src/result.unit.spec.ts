import { andThen, err, isErr, isOk, mapError, mapResult, ok, unwrap, unwrapErr, type Result } from './result';

describe('Result', () => {
  it('builds ok and error values', () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    expect(err('x')).toEqual({ ok: false, error: 'x' });
  });

  it('narrows with isOk / isErr', () => {
    const r: Result<number, string> = ok(2);
    expect(isOk(r)).toBe(true);
    expect(isErr(r)).toBe(false);
  });

  it('maps values and errors', () => {
    const make = (n: number): Result<number, string> => (n > 0 ? ok(n) : err('e'));
    const good = make(2);
    const bad = make(0);
    expect(mapResult(good, (n) => n * 2)).toEqual(ok(4));
    expect(mapResult(bad, (n) => n * 2)).toEqual(err('e'));
    expect(mapError(bad, (e) => e.toUpperCase())).toEqual(err('E'));
    expect(andThen(good, (n) => (n > 1 ? ok(n) : err('small')))).toEqual(ok(2));
    expect(andThen(good, () => err('no'))).toEqual(err('no'));
  });

  it('unwraps', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(err('boom'))).toThrow('unwrap');
    expect(unwrapErr(err('boom'))).toBe('boom');
    expect(() => unwrapErr(ok(1))).toThrow('unwrapErr');
  });
});
