import { createHmac } from 'node:crypto';
import { generateApiKey, hashApiKey, hashesEqual, isWellFormedApiKey, keyPrefix } from './api-keys';

describe('generateApiKey', () => {
  it('issues sk_live_ plus 40 base62 characters', () => {
    for (let i = 0; i < 50; i++) expect(generateApiKey()).toMatch(/^sk_live_[0-9A-Za-z]{40}$/);
  });

  it('issues keys that pass the format check and differ from each other', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(isWellFormedApiKey(k)).toBe(true);
  });

  it('draws from the whole base62 alphabet, roughly evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const c of generateApiKey().slice(8)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 80,000 draws over 62 symbols: about 1290 each (standard deviation about 36).
    for (const n of counts.values()) expect(n).toBeGreaterThan(1000);
  });
});

describe('isWellFormedApiKey', () => {
  it.each([`sk_live_${'a'.repeat(32)}`, `sk_live_${'Z9'.repeat(64)}`, `sk_live_Q7f3mZ9pL2xR8vK4tN6wB1cY5hJ0dS3aE7gU2iO9`])('accepts %s', (k) => {
    expect(isWellFormedApiKey(k)).toBe(true);
  });

  it.each([
    ['31-character secret', `sk_live_${'a'.repeat(31)}`],
    ['129-character secret', `sk_live_${'a'.repeat(129)}`],
    ['wrong prefix', `sk_test_${'a'.repeat(40)}`],
    ['upper-case prefix', `SK_LIVE_${'a'.repeat(40)}`],
    ['non-base62 character', `sk_live_${'a'.repeat(39)}-`],
    ['trailing newline', `sk_live_${'a'.repeat(40)}\n`],
    ['inner space', `sk_live_${'a'.repeat(20)} ${'a'.repeat(20)}`],
    ['empty', ''],
  ])('rejects a %s', (_label, k) => {
    expect(isWellFormedApiKey(k)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isWellFormedApiKey(undefined)).toBe(false);
    expect(isWellFormedApiKey(42)).toBe(false);
  });
});

describe('keyPrefix', () => {
  it('is the first 12 characters', () => {
    expect(keyPrefix('sk_live_Q7f3mZ9pL2xR8vK4tN6wB1cY5hJ0dS3aE7gU2iO9')).toBe('sk_live_Q7f3');
  });
});

describe('hashApiKey', () => {
  it('is HMAC-SHA-256 in hex under the server secret', () => {
    const key = generateApiKey();
    expect(hashApiKey('s3cret', key)).toBe(createHmac('sha256', 's3cret').update(key).digest('hex'));
    expect(hashApiKey('s3cret', key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the secret and the key', () => {
    const key = generateApiKey();
    expect(hashApiKey('a', key)).not.toBe(hashApiKey('b', key));
    expect(hashApiKey('a', key)).not.toBe(hashApiKey('a', generateApiKey()));
  });

  it('is never the key itself', () => {
    const key = generateApiKey();
    expect(hashApiKey('a', key)).not.toContain(key.slice(8));
  });
});

describe('hashesEqual', () => {
  it('compares equal-length and different-length values', () => {
    expect(hashesEqual('abcd', 'abcd')).toBe(true);
    expect(hashesEqual('abcd', 'abce')).toBe(false);
    expect(hashesEqual('abcd', 'abc')).toBe(false);
  });
});
