import { checkBodyMediaType, isJsonContentType } from './media-type';

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON; Charset="utf-8"',
    'application/json; charset=utf-8; profile=x',
    ' application/json ',
  ])('accepts %p', (ct) => {
    expect(isJsonContentType(ct)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/merge-patch+json',
    'application/jsonx',
    'application/json; charset=latin-1',
    'application/json; charset=utf8',
    'application/json; charset=utf-16',
    'application/json, application/json',
  ])('rejects %p', (ct) => {
    expect(isJsonContentType(ct)).toBe(false);
  });
});

describe('checkBodyMediaType', () => {
  it('accepts JSON without or with identity encoding', () => {
    expect(checkBodyMediaType('application/json', undefined)).toEqual({ ok: true, value: true });
    expect(checkBodyMediaType('application/json', 'identity')).toEqual({ ok: true, value: true });
    expect(checkBodyMediaType('application/json', 'IDENTITY')).toEqual({ ok: true, value: true });
  });

  it('rejects compressed bodies, reporting the received content type', () => {
    expect(checkBodyMediaType('application/json', 'gzip')).toEqual({ ok: false, error: { contentType: 'application/json' } });
    expect(checkBodyMediaType('application/json', 'identity, gzip').ok).toBe(false);
  });

  it('reports an empty string when there is no content type', () => {
    expect(checkBodyMediaType(undefined, undefined)).toEqual({ ok: false, error: { contentType: '' } });
  });
});
