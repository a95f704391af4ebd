import { uuidv7 } from './ids';

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
