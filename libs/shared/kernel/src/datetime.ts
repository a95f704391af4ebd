/**
 * Datetimes (spec/conventions.md §7).
 *
 * Accepted input: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.f…]]` with an optional `Z` or
 * `±HH:MM` / `±HHMM` offset. Without an offset the value is UTC; a date-only value is
 * `00:00:00Z` that day. Fractional seconds keep microsecond precision (digits beyond the
 * sixth are truncated); no value ever goes through a JS `Date` for its fraction.
 *
 * Output: RFC 3339 in UTC ending in `Z`; the fraction is rendered with 6 digits when it is
 * not zero and omitted when it is zero (`2026-05-01T08:00:00Z`, `2026-05-01T08:00:00.482913Z`).
 */

/** A point in time with microsecond precision. */
export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00Z (may be negative). */
  readonly seconds: number;
  /** 0 … 999,999. */
  readonly micros: number;
}

const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})$/;

const MIN_SECONDS = daysFromCivil(1, 1, 1) * 86400;
const MAX_SECONDS = daysFromCivil(9999, 12, 31) * 86400 + 86399;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses an accepted datetime into an instant; `null` when the text is not an accepted datetime. */
export function parseInstant(input: string): Instant | null {
  if (typeof input !== 'string') return null;
  const m = DATETIME_RE.exec(input);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] ?? '';
  const offset = m[8];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (offset !== undefined && offset !== 'Z' && offset !== 'z') {
    const om = OFFSET_RE.exec(offset);
    if (!om) return null;
    const oh = Number(om[2]);
    const omin = Number(om[3]);
    if (oh > 23 || omin > 59) return null;
    offsetMinutes = (om[1] === '-' ? -1 : 1) * (oh * 60 + omin);
  }
  const micros = fraction === '' ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) return null;
  return { seconds, micros };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * RFC 3339 UTC text of an instant. `fraction: 'auto'` (default) renders 6 digits only when the
 * fraction is not zero; `'micros'` always renders 6 digits.
 */
export function formatInstant(instant: Instant, options: { fraction?: 'auto' | 'micros' } = {}): string {
  const days = Math.floor(instant.seconds / 86400);
  const secOfDay = instant.seconds - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const hh = Math.floor(secOfDay / 3600);
  const mi = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  const base = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mi, 2)}:${pad(ss, 2)}`;
  const mode = options.fraction ?? 'auto';
  if (mode === 'micros' || instant.micros !== 0) return `${base}.${pad(instant.micros, 6)}Z`;
  return `${base}Z`;
}

/** Normalised RFC 3339 UTC text (ending in `Z`) of an accepted datetime, or `null` if invalid. */
export function parseDatetime(input: string): string | null {
  const instant = parseInstant(input);
  return instant === null ? null : formatInstant(instant);
}

export function instantFromDate(date: Date): Instant {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid Date');
  const seconds = Math.floor(ms / 1000);
  return { seconds, micros: (ms - seconds * 1000) * 1000 };
}

/** RFC 3339 UTC text with `Z` of a JS Date (millisecond precision; fraction omitted when zero). */
export function formatTimestamp(date: Date): string {
  return formatInstant(instantFromDate(date));
}

/**
 * RFC 3339 UTC text that always has 6 fractional digits (cursor positions, pagination.md §5).
 * Accepts a Date or any accepted datetime text; throws on invalid input.
 */
export function formatTimestampMicros(value: Date | string): string {
  const instant = typeof value === 'string' ? parseInstant(value) : instantFromDate(value);
  if (instant === null) throw new RangeError(`Invalid datetime: ${String(value)}`);
  return formatInstant(instant, { fraction: 'micros' });
}

export function compareInstants(a: Instant, b: Instant): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.micros !== b.micros) return a.micros < b.micros ? -1 : 1;
  return 0;
}

/**
 * Whether two datetime values denote the same instant (`null` equals only `null`).
 * Texts that do not parse are compared verbatim.
 */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a === b) return true;
  const ia = parseInstant(a);
  const ib = parseInstant(b);
  if (ia === null || ib === null) return false;
  return compareInstants(ia, ib) === 0;
}
