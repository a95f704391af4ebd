import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'sk_live_';
/** Length of the secret part of keys the platform issues. */
export const ISSUED_SECRET_LENGTH = 40;
/** Number of leading characters shown to humans (auth-and-keys.md §3). */
export const DISPLAY_PREFIX_LENGTH = 12;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_FORMAT = /^sk_live_[0-9A-Za-z]{32,128}$/;

/** A new key: `sk_live_` + 40 base62 characters from a CSPRNG (randomInt is unbiased). */
export function generateApiKey(): string {
  let secret = '';
  for (let i = 0; i < ISSUED_SECRET_LENGTH; i++) secret += BASE62[randomInt(BASE62.length)];
  return API_KEY_PREFIX + secret;
}

/** The format check run before any lookup: `^sk_live_[0-9A-Za-z]{32,128}$`. */
export function isWellFormedApiKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_FORMAT.test(value);
}

/** The non-secret display prefix, e.g. `sk_live_Q7f3`. */
export function keyPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** HMAC-SHA-256 of the full key under a server-side secret, hex-encoded. Only this is stored. */
export function hashApiKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes, for callers that compare in memory. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
