import { decodeCursor, encodeCursor, invalidCursorError, isUuid, parseCursorParam, parseLimit } from './cursor';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor encoding', () => {
  it('matches the encoding shown in the spec (orders.md §3)', () => {
    const expected =
      'eyJjIjoiMjAyNi0wNC0xNlQxMDowMDowMC4wMDAwMDBaIiwiaSI6IjZmMWMyZDNlLTRhNWItNGM2ZC04ZTdmLTBhMWIyYzNkNGU1ZiJ9';
    expect(encodeCursor({ c: '2026-04-16T10:00:00Z', i: ID })).toBe(expected);
    expect(encodeCursor({ c: new Date('2026-04-16T10:00:00Z'), i: ID })).toBe(expected);
    expect(Buffer.from(expected, 'base64url').toString('utf8')).toBe(
      '{"c":"2026-04-16T10:00:00.000000Z","i":"6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"}',
    );
  });

  it('is unpadded base64url', () => {
    const c = encodeCursor({ c: '2026-04-16T10:05:00.123456Z', i: ID });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('round-trips, keeping microseconds', () => {
    const c = encodeCursor({ c: '2026-04-16T12:05:00.123456+02:00', i: ID.toUpperCase() });
    expect(decodeCursor(c)).toEqual({ ok: true, value: { c: '2026-04-16T10:05:00.123456Z', i: ID } });
  });

  it('accepts a valid cursor in any accepted datetime form and normalises it', () => {
    expect(decodeCursor(b64(`{"i":"${ID}","c":"2026-04-16T10:00:00Z"}`))).toEqual({
      ok: true,
      value: { c: '2026-04-16T10:00:00.000000Z', i: ID },
    });
  });
});

describe('invalid cursors', () => {
  it.each([
    ['not-a-cursor', 'not-a-cursor'],
    ['padding', `${b64(`{"c":"2026-04-16T10:00:00Z","i":"${ID}"}`)}=`],
    ['standard alphabet chars', 'ab+/'],
    ['impossible length', 'abcde'],
    ['not JSON', b64('hello world')],
    ['JSON array', b64(`["2026-04-16T10:00:00Z","${ID}"]`)],
    ['JSON string', b64('"x"')],
    ['JSON null', b64('null')],
    ['missing i', b64('{"c":"2026-04-16T10:00:00Z"}')],
    ['missing c', b64(`{"i":"${ID}"}`)],
    ['extra member', b64(`{"c":"2026-04-16T10:00:00Z","i":"${ID}","x":1}`)],
    ['c not a string', b64(`{"c":1,"i":"${ID}"}`)],
    ['i not a string', b64('{"c":"2026-04-16T10:00:00Z","i":5}')],
    ['invalid datetime', b64(`{"c":"2026-13-16T10:00:00Z","i":"${ID}"}`)],
    ['invalid uuid', b64('{"c":"2026-04-16T10:00:00Z","i":"not-a-uuid"}')],
    ['uuid without dashes', b64('{"c":"2026-04-16T10:00:00Z","i":"6f1c2d3e4a5b4c6d8e7f0a1b2c3d4e5f"}')],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')],
    ['too long', b64(`{"c":"2026-04-16T10:00:00Z","i":"${ID}"}`) + 'A'.repeat(600)],
  ])('rejects %s', (_label, raw) => {
    expect(decodeCursor(raw)).toEqual({ ok: false, error: 'invalid' });
  });

  it('rejects a cursor longer than 512 characters even if it decodes', () => {
    const json = `{"c":"2026-04-16T10:00:00Z","i":"${ID}"}`;
    const padded = json.replace('{', '{' + ' '.repeat(400));
    const raw = b64(padded);
    expect(raw.length).toBeGreaterThan(512);
    expect(decodeCursor(raw).ok).toBe(false);
    const ok = b64(json.replace('{', '{' + ' '.repeat(300)));
    expect(ok.length).toBeLessThanOrEqual(512);
    expect(decodeCursor(ok).ok).toBe(true);
  });

  it('builds the exact error (pagination.md §6)', () => {
    expect(invalidCursorError('not-a-cursor')).toEqual({
      code: 'VALIDATION_ERROR',
      message: "Invalid cursor: 'not-a-cursor'",
      details: { cursor: ['Invalid cursor.'] },
    });
    expect(invalidCursorError('x'.repeat(300)).message).toBe(`Invalid cursor: '${'x'.repeat(200)}'`);
  });
});

describe('parseCursorParam', () => {
  it('treats absent and empty as the first page', () => {
    expect(parseCursorParam(undefined)).toEqual({ ok: true, value: null });
    expect(parseCursorParam('')).toEqual({ ok: true, value: null });
  });

  it('decodes a valid cursor', () => {
    const raw = encodeCursor({ c: '2026-04-16T10:00:00Z', i: ID });
    expect(parseCursorParam(raw)).toEqual({ ok: true, value: { c: '2026-04-16T10:00:00.000000Z', i: ID } });
  });

  it('answers an invalid cursor with the exact error', () => {
    expect(parseCursorParam('not-a-cursor')).toEqual({ ok: false, error: invalidCursorError('not-a-cursor') });
  });
});

describe('parseLimit (pagination.md §1)', () => {
  it.each([
    [undefined, 50],
    ['', 50],
    ['abc', 50],
    ['10.5', 50],
    ['+5', 50],
    [' 5', 50],
    ['5 ', 50],
    ['5abc', 50],
    ['1e2', 50],
    ['0', 1],
    ['-0', 1],
    ['-5', 1],
    ['1', 1],
    ['7', 7],
    ['007', 7],
    ['200', 200],
    ['201', 200],
    ['500', 200],
    ['99999999999999999999999999', 200],
    ['-99999999999999999999999999', 1],
  ])('%p → %p', (raw, expected) => {
    expect(parseLimit(raw)).toBe(expected);
  });
});

describe('isUuid', () => {
  it('accepts canonical UUIDs in either case', () => {
    expect(isUuid(ID)).toBe(true);
    expect(isUuid(ID.toUpperCase())).toBe(true);
    expect(isUuid(`{${ID}}`)).toBe(false);
    expect(isUuid('')).toBe(false);
  });
});
