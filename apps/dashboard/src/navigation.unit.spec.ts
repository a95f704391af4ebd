import { HOME, safeNext } from './navigation';

describe('where Sign in returns to', () => {
  it('returns to a path of the app, with its query', () => {
    expect(safeNext('/settings/users')).toBe('/settings/users');
    expect(safeNext('/security?cursor=abc')).toBe('/security?cursor=abc');
  });

  it('goes home for nothing, for Sign in itself, and for anything that could leave the app', () => {
    for (const next of [null, undefined, '', 'settings', '/sign-in', '/sign-in?next=%2Fx', '//evil.example/x', '/\\evil.example', '/%5C', 'https://evil.example', '/javascript:alert(1)', '/a\nb', '/x\\y']) {
      expect({ next, to: safeNext(next) }).toEqual({ next, to: next === '/%5C' ? '/%5C' : HOME });
    }
  });
});
