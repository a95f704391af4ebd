import {
  compareInstants,
  formatInstant,
  formatTimestamp,
  formatTimestampMicros,
  parseDatetime,
  parseInstant,
  sameInstant,
} from './datetime';

describe('parseDatetime', () => {
  it.each([
    ['2026-05-01', '2026-05-01T00:00:00Z'],
    ['2026-05-01T10:00', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00z', '2026-05-01T10:00:00Z'],
    ['2026-05-01t10:00:00Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01 10:00:00Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00+00:00', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00-00:00', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00+02:00', '2026-05-01T08:00:00Z'],
    ['2026-05-01T10:00:00+0200', '2026-05-01T08:00:00Z'],
    ['2026-05-01T10:00+02:00', '2026-05-01T08:00:00Z'],
    ['2026-05-01T10:00:00-05:30', '2026-05-01T15:30:00Z'],
    ['2026-05-01T10:00:00.482913+02:00', '2026-05-01T08:00:00.482913Z'],
    ['2026-05-01T10:00:00.482913Z', '2026-05-01T10:00:00.482913Z'],
    ['2026-05-01T10:00:00.5Z', '2026-05-01T10:00:00.500000Z'],
    ['2026-05-01T10:00:00.123Z', '2026-05-01T10:00:00.123000Z'],
    ['2026-05-01T10:00:00.000001Z', '2026-05-01T10:00:00.000001Z'],
    ['2026-05-01T10:00:00.000000Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00.0Z', '2026-05-01T10:00:00Z'],
    ['2026-05-01T10:00:00.1234567Z', '2026-05-01T10:00:00.123456Z'],
    ['2026-05-01T01:00:00+02:00', '2026-04-30T23:00:00Z'],
    ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
    ['2000-02-29', '2000-02-29T00:00:00Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
    ['1969-12-31T23:59:59.999999Z', '1969-12-31T23:59:59.999999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
    ['0099-03-01', '0099-03-01T00:00:00Z'],
  ])('accepts %s → %s', (input, expected) => {
    expect(parseDatetime(input)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '2026',
    '2026-05',
    '26-05-01',
    '2026-5-1',
    '20260501',
    '2026/05/01',
    '2026-13-01',
    '2026-00-10',
    '2026-05-00',
    '2026-04-31',
    '2026-02-29',
    '1900-02-29',
    '0000-01-01',
    '2026-05-01T',
    '2026-05-01T10',
    '2026-05-01T24:00:00Z',
    '2026-05-01T10:60:00Z',
    '2026-05-01T10:00:60Z',
    '2026-05-01T1:00:00Z',
    '2026-05-01T10:00:00.Z',
    '2026-05-01T10:00:00+02',
    '2026-05-01T10:00:00+2:00',
    '2026-05-01T10:00:00+24:00',
    '2026-05-01T10:00:00+02:60',
    '2026-05-01T10:00:00 02:00',
    '2026-05-01T10:00:00ZZ',
    '2026-05-01Z',
    ' 2026-05-01',
    '2026-05-01 ',
    '2026-05-01T10:00:00,5Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
    '２０２６-05-01',
  ])('rejects %p', (input) => {
    expect(parseDatetime(input)).toBeNull();
    expect(parseInstant(input)).toBeNull();
  });

  it('keeps microseconds exactly (no Date round trip)', () => {
    expect(parseDatetime('2026-05-01T10:00:00.999999+00:00')).toBe('2026-05-01T10:00:00.999999Z');
    expect(parseInstant('2026-05-01T10:00:00.000007Z')).toEqual({ seconds: Date.UTC(2026, 4, 1, 10) / 1000, micros: 7 });
  });

  it('agrees with Date for many instants', () => {
    for (let ms = -5e12; ms < 5e12; ms += 123456789017) {
      const iso = new Date(ms).toISOString();
      const instant = parseInstant(iso);
      expect(instant).not.toBeNull();
      expect(instant!.seconds * 1000 + instant!.micros / 1000).toBe(ms);
      expect(formatTimestamp(new Date(ms))).toBe(formatInstant(instant!));
    }
  });
});

describe('formatting', () => {
  it('formats a Date in UTC with Z, fraction only when not zero', () => {
    expect(formatTimestamp(new Date('2026-04-16T10:00:00Z'))).toBe('2026-04-16T10:00:00Z');
    expect(formatTimestamp(new Date('2026-04-16T10:00:00.482Z'))).toBe('2026-04-16T10:00:00.482000Z');
    expect(formatTimestamp(new Date(Date.UTC(2026, 3, 16, 12, 0, 0) + 2 * 3600_000))).toBe('2026-04-16T14:00:00Z');
    expect(() => formatTimestamp(new Date('nope'))).toThrow();
  });

  it('always renders 6 digits for cursor timestamps', () => {
    expect(formatTimestampMicros('2026-04-16T10:00:00Z')).toBe('2026-04-16T10:00:00.000000Z');
    expect(formatTimestampMicros(new Date('2026-04-16T10:00:00.5Z'))).toBe('2026-04-16T10:00:00.500000Z');
    expect(formatTimestampMicros('2026-04-16T12:00:00.123456+02:00')).toBe('2026-04-16T10:00:00.123456Z');
    expect(() => formatTimestampMicros('bad')).toThrow();
  });
});

describe('comparing instants', () => {
  it('orders instants', () => {
    const a = parseInstant('2026-05-01T10:00:00.000001Z')!;
    const b = parseInstant('2026-05-01T10:00:00.000002Z')!;
    expect(compareInstants(a, b)).toBe(-1);
    expect(compareInstants(b, a)).toBe(1);
    expect(compareInstants(a, a)).toBe(0);
    expect(compareInstants(parseInstant('2026-05-01')!, parseInstant('2026-05-02')!)).toBe(-1);
  });

  it('tells whether two texts are the same instant', () => {
    expect(sameInstant('2026-05-01', '2026-05-01T00:00:00Z')).toBe(true);
    expect(sameInstant('2026-05-01T02:00:00+02:00', '2026-05-01T00:00:00.000000Z')).toBe(true);
    expect(sameInstant('2026-05-01T00:00:00Z', '2026-05-01T00:00:00.000001Z')).toBe(false);
    expect(sameInstant(null, null)).toBe(true);
    expect(sameInstant(null, undefined)).toBe(true);
    expect(sameInstant(null, '2026-05-01')).toBe(false);
    expect(sameInstant('2026-05-01', null)).toBe(false);
    expect(sameInstant('junk', 'junk')).toBe(true);
    expect(sameInstant('junk', '2026-05-01')).toBe(false);
  });
});
