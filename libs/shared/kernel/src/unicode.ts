/** Unicode helpers. Lengths are counted in code points (spec/conventions.md §7). */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Number of Unicode code points (a lone surrogate counts as one). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function containsNul(s: string): boolean {
  return s.includes('\u0000');
}

export function containsLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** A string the API accepts: no U+0000 and no unpaired surrogate. */
export function isValidApiString(s: string): boolean {
  return !containsNul(s) && !containsLoneSurrogate(s);
}

/** The first `max` code points of `s`. */
export function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let count = 0;
  let i = 0;
  while (i < s.length && count < max) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      i += d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else {
      i++;
    }
    count++;
  }
  return s.slice(0, i);
}

/** Length in bytes of the UTF-8 encoding of `s` (a lone surrogate counts as 3 bytes, as U+FFFD would). */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
