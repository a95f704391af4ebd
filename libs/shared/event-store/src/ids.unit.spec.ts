import { uuidv7, uuidV7At } from './ids';

describe('uuidv7', () => {
  it('is a version-7, variant-1 UUID', () => {
    expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts in creation order, also many within one millisecond and across a clock step back', () => {
    const ids = [uuidv7(1_000), ...Array.from({ length: 5_000 }, () => uuidv7(1_001)), uuidv7(999), uuidv7(2_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the milliseconds in the first 48 bits', () => {
    const ms = Date.UTC(2030, 0, 1);
    expect(parseInt(uuidv7(ms).replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });
});

describe('uuidV7At', () => {
  it('is a version-7, variant-1 UUID naming exactly the given millisecond', () => {
    const ms = Date.UTC(2026, 11, 8, 3, 30, 0, 123);
    const ids = Array.from({ length: 3_000 }, () => uuidV7At(ms));
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
    }
    // Random bits: no two alike, across more ids than one refill of the randomness pool serves.
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(15, 18))).size).toBeGreaterThan(1_000);
  });

  it('clamps the timestamp to 48 bits', () => {
    expect(uuidV7At(-5).slice(0, 13)).toBe('00000000-0000');
    expect(uuidV7At(2 ** 50).slice(0, 13)).toBe('ffffffff-ffff');
  });
});
