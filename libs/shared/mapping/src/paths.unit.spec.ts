/** Paths (custom-integrations.md §3): the grammar, reads, writes with conflicts, removals. */
import { ABSENT, formatPath, parsePath, PathMismatch, readPath, removePath, writePath, WriteConflict } from './index';

describe('parsePath (§3 grammar)', () => {
  it('splits keys and indexes into steps', () => {
    expect(parsePath('header.vendor.name')).toEqual(['header', 'vendor', 'name']);
    expect(parsePath('lines[0].order_ref')).toEqual(['lines', 0, 'order_ref']);
    expect(parsePath('evraklar[0].satirlar')).toEqual(['evraklar', 0, 'satirlar']);
    expect(parsePath('a[1][999]')).toEqual(['a', 1, 999]);
    expect(parsePath('ö ü/x-y')).toEqual(['ö ü/x-y']);
  });

  it('refuses what the grammar refuses', () => {
    for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a[]', 'a[01]', 'a[1000]', 'a[-1]', 'a[0]b', 'a]', 'a[0', 'a.[0]', 'x'.repeat(257)]) {
      expect([bad, parsePath(bad)]).toEqual([bad, null]);
    }
    expect(parsePath('x'.repeat(256))).toEqual(['x'.repeat(256)]);
  });

  it('formats steps back to the same text', () => {
    expect(formatPath(['lines', 0, 'order_ref'])).toBe('lines[0].order_ref');
    expect(formatPath(['a', 1, 2])).toBe('a[1][2]');
  });
});

describe('readPath (§3.1)', () => {
  const doc = { a: { b: null, c: [1, { d: 'x' }] }, s: 'str' };
  it('finds values, null included, and absent members or indexes', () => {
    expect(readPath(doc, ['a', 'c', 1, 'd'])).toBe('x');
    expect(readPath(doc, ['a', 'b'])).toBeNull();
    expect(readPath(doc, ['a', 'b', 'z'])).toBe(ABSENT);
    expect(readPath(doc, ['a', 'c', 2])).toBe(ABSENT);
    expect(readPath(doc, ['nope', 'x'])).toBe(ABSENT);
    expect(readPath(doc, ['toString'])).toBe(ABSENT);
  });
  it('reports a type mismatch at the offending value', () => {
    expect(readPath(doc, ['s', 'x'])).toEqual(new PathMismatch(1, 'object', 'string'));
    expect(readPath(doc, ['a', 0])).toEqual(new PathMismatch(1, 'array', 'object'));
    expect(readPath(doc, ['a', 'c', 'x'])).toEqual(new PathMismatch(2, 'object', 'array'));
    expect(new PathMismatch(2, 'array', 'boolean').message).toBe('Expected an array, got boolean.');
  });
});

describe('writePath (§3.3)', () => {
  it('creates objects and arrays, extends arrays with null, overwrites the last step', () => {
    const doc: Record<string, unknown> = { n: null, arr: [1] };
    expect(writePath(doc, ['a', 'b', 2, 'c'], 'v')).toBeUndefined();
    expect(writePath(doc, ['n', 'x'], 1)).toBeUndefined();
    expect(writePath(doc, ['arr', 3], 4)).toBeUndefined();
    expect(writePath(doc, ['arr', 0], 'first')).toBeUndefined();
    expect(doc).toEqual({ n: { x: 1 }, arr: ['first', null, null, 4], a: { b: [null, null, { c: 'v' }] } });
  });
  it('is a write conflict to pass through a value of another type, and changes nothing then', () => {
    const doc = { metadata: 'web', list: [{ a: 1 }] };
    expect(writePath(doc, ['metadata', 'source'], 'x')).toEqual(new WriteConflict(1, 'object', 'string'));
    expect(writePath(doc, ['list', 'x'], 'x')).toEqual(new WriteConflict(1, 'object', 'array'));
    expect(writePath(doc, ['list', 0, 0], 'x')).toEqual(new WriteConflict(2, 'array', 'object'));
    expect(doc).toEqual({ metadata: 'web', list: [{ a: 1 }] });
  });
  it('writes a deep copy', () => {
    const value = { deep: { x: 1 } };
    const doc: Record<string, unknown> = {};
    writePath(doc, ['v'], value);
    value.deep.x = 2;
    expect(doc).toEqual({ v: { deep: { x: 1 } } });
  });
});

describe('removePath (§3.2)', () => {
  it('deletes the member and the ancestors it left empty, up to a non-empty one', () => {
    const doc = { header: { po: 1, vendor: { name: 'n' } }, keep: 1 };
    expect(removePath(doc, ['header', 'vendor', 'name'])).toBe(true);
    expect(doc).toEqual({ header: { po: 1 }, keep: 1 });
    expect(removePath(doc, ['header', 'po'])).toBe(true);
    expect(doc).toEqual({ keep: 1 });
  });
  it('stops at an ancestor whose parent is an array, and never removes the root', () => {
    const doc = { lines: [{ ref: 1 }, { ref: 2 }] };
    removePath(doc, ['lines', 0, 'ref']);
    expect(doc).toEqual({ lines: [{}, { ref: 2 }] });
    const root = { only: 1 };
    removePath(root, ['only']);
    expect(root).toEqual({});
  });
  it('removes nothing for an index step, a missing parent, or an absent member', () => {
    const doc = { a: [1, 2], b: null, c: 's', e: {} };
    expect(removePath(doc, ['a', 0])).toBe(false);
    expect(removePath(doc, ['b', 'x'])).toBe(false);
    expect(removePath(doc, ['c', 'x'])).toBe(false);
    expect(removePath(doc, ['e', 'x'])).toBe(false);
    expect(doc).toEqual({ a: [1, 2], b: null, c: 's', e: {} });
  });
});
