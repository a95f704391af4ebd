/**
 * Decodes one query-string component: `+` is a space, then percent-escapes are decoded as UTF-8.
 * A component that cannot be decoded (malformed escape, invalid UTF-8) is kept exactly as received;
 * the service that owns the parameter decides whether that value is valid.
 */
export function decodeQueryComponent(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return raw;
  }
}

/**
 * Parses a raw query string (without `?`) into the first occurrence of each parameter.
 * Parameters with an empty name are dropped; a parameter without `=` has the value `""`.
 */
export function parseQuery(rawQuery: string | null): Record<string, string> {
  const found = new Map<string, string>();
  if (rawQuery === null || rawQuery === '') return {};
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeQueryComponent(eq >= 0 ? part.slice(0, eq) : part);
    if (name === '' || found.has(name)) continue;
    found.set(name, eq >= 0 ? decodeQueryComponent(part.slice(eq + 1)) : '');
  }
  // fromEntries defines own properties, so a parameter named `__proto__` stays a plain entry.
  return Object.fromEntries(found);
}
