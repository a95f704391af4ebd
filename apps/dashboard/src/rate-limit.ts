/**
 * A key's rate limit in the dashboard (auth-and-keys.md §4.1 `rate_limit_per_second`,
 * limits-and-versioning.md §4): what the field's text sends, and how the table shows it.
 */

/** The API's bounds; the API checks them again (and says why, next to the field). */
export const MIN_RATE_LIMIT = 1;
export const MAX_RATE_LIMIT = 10_000;

/**
 * The value to send for the field's text: empty → `null` (no rate limit), whole digits → the
 * number, anything else as typed so that the API's validation message names the problem.
 */
export function rateLimitValue(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[0-9]{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The table's text: "20 / s" or "None". */
export function describeRateLimit(limit: number | null): string {
  return limit === null ? 'None' : `${limit.toLocaleString('en-US')} / s`;
}
