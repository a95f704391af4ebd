import { FieldErrorCollector } from './collector';
import { integer, str } from './parsers';

describe('FieldErrorCollector', () => {
  it('keeps insertion order of paths and messages', () => {
    const c = new FieldErrorCollector();
    c.add('b', 'one').add('a', 'two').add('b', 'three');
    expect(c.toFieldErrors()).toEqual({ b: ['one', 'three'], a: ['two'] });
    expect(Object.keys(c.toFieldErrors())).toEqual(['b', 'a']);
    expect(c.has('a')).toBe(true);
    expect(c.has('z')).toBe(false);
  });

  it('reads body fields, treating inherited properties as absent', () => {
    const c = new FieldErrorCollector();
    const body = { name: 'x', n: 'bad' } as Record<string, unknown>;
    expect(c.field(body, 'name', str())).toBe('x');
    expect(c.field(body, 'constructor', str())).toBeUndefined();
    expect(c.field(body, 'n', integer())).toBeUndefined();
    expect(c.toFieldErrors()).toEqual({ n: ['A valid integer is required.'] });
  });

  it('prefixes nested issue paths', () => {
    const c = new FieldErrorCollector();
    c.addIssues('items', [{ path: '[0].quantity', message: 'm' }]);
    c.addIssues('metadata', [{ path: '.a', message: 'n' }]);
    expect(c.toFieldErrors()).toEqual({ 'items[0].quantity': ['m'], 'metadata.a': ['n'] });
  });

  it('finishes with ok or the errors', () => {
    const good = new FieldErrorCollector();
    expect(good.finish(() => 1)).toEqual({ ok: true, value: 1 });
    const badOne = new FieldErrorCollector().add('x', 'y');
    const build = jest.fn(() => 1);
    expect(badOne.finish(build)).toEqual({ ok: false, error: { x: ['y'] } });
    expect(build).not.toHaveBeenCalled();
  });
});
