import { JsonNumberLiteral } from './json-number';
import { utf8ByteLength } from './unicode';

/**
 * The longest prefix of `text` whose UTF-8 encoding has at most `maxBytes` bytes, cut at a
 * character boundary (a surrogate pair is never split).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Fast path: even at 3 bytes per UTF-16 unit the text fits.
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let size: number;
    let units = 1;
    if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size = 4;
      units = 2;
    } else size = 3;
    if (bytes + size > maxBytes) return text.slice(0, i);
    bytes += size;
    i += units - 1;
  }
  return text;
}

/** The largest byte offset ≤ `maxBytes` of `bytes` that does not split a UTF-8 sequence. */
export function utf8CutPoint(bytes: Uint8Array, maxBytes: number): number {
  if (bytes.length <= maxBytes) return bytes.length;
  let cut = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that would be split.
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}

/**
 * `JSON.stringify` of a parsed body (number literals kept by `parseJsonText` written as they were
 * sent), stopping once the text is known to exceed `maxBytes` UTF-8 bytes: then `shortened` is
 * true and `text` holds at least the first `maxBytes` bytes' worth (callers cut it with
 * {@link truncateUtf8}). The cost is bounded by `maxBytes`, whatever the size of `value`.
 */
export function serializeJsonBounded(value: unknown, maxBytes: number): { text: string; shortened: boolean } {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string): boolean => {
    parts.push(s);
    length += s.length;
    // UTF-8 needs at least one byte per UTF-16 unit: past maxBytes units, it is past maxBytes bytes.
    return length <= maxBytes;
  };
  const write = (v: unknown): boolean => {
    if (v instanceof JsonNumberLiteral) return push(v.source);
    if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v);
      return push(s === undefined ? 'null' : s);
    }
    if (Array.isArray(v)) {
      if (!push('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(',')) return false;
        if (!write(v[i] === undefined ? null : v[i])) return false;
      }
      return push(']');
    }
    if (!push('{')) return false;
    let first = true;
    for (const key of Object.keys(v)) {
      const member = (v as Record<string, unknown>)[key];
      if (member === undefined || typeof member === 'function') continue;
      if (!push(`${first ? '' : ','}${JSON.stringify(key)}:`)) return false;
      first = false;
      if (!write(member)) return false;
    }
    return push('}');
  };
  const complete = write(value);
  const text = parts.join('');
  return { text, shortened: !complete || utf8ByteLength(text) > maxBytes };
}
