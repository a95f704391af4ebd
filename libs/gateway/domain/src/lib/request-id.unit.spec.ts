import { isValidRequestId, isValidTraceparent, resolveRequestId } from './request-id';

describe('resolveRequestId', () => {
  const generate = () => 'generated';

  it.each(['abc', 'A.b_c:d/e+f=g-h', 'x'.repeat(128), '9b2f6c1e-8d4a-4f3b-a7e5-1c0d2b3a4f5e'])('echoes %p', (id) => {
    expect(resolveRequestId(id, generate)).toBe(id);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a comma (repeated header)', 'a, b'],
    ['non-ASCII', 'café'],
    ['a newline', 'abc\n'],
    ['a semicolon', 'a;b'],
  ])('generates a new one when %s', (_label, value) => {
    expect(resolveRequestId(value, generate)).toBe('generated');
    expect(isValidRequestId(value)).toBe(false);
  });
});

describe('isValidTraceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('accepts the W3C example and future versions with extra fields', () => {
    expect(isValidTraceparent(valid)).toBe(true);
    expect(isValidTraceparent('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds')).toBe(true);
  });

  it.each([
    ['absent', undefined],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', `${valid}-extra`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['garbage', 'hello'],
  ])('rejects %s', (_label, value) => {
    expect(isValidTraceparent(value)).toBe(false);
  });
});
