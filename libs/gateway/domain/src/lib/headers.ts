export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * The value of a header as one string. A header sent several times is joined with `", "`, the
 * way Node joins most repeated headers, so a repeated header never passes a single-value check.
 */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return value.length === 0 ? undefined : value.join(', ');
}
