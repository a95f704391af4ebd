import { fail, ok, type Result } from './result';

/** Why a body's media type was refused, with the value to report in `details.content_type`. */
export interface MediaTypeRejection {
  contentType: string;
}

function isIdentityEncoding(contentEncoding: string | undefined): boolean {
  if (contentEncoding === undefined) return true;
  return contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .every((c) => c === '' || c === 'identity');
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/** `application/json`, optional parameters, and a `charset` (if any) of `utf-8` (case-insensitive). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [essence, ...params] = contentType.split(';');
  if (essence!.trim().toLowerCase() !== 'application/json') return false;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    if (unquote(param.slice(eq + 1).trim()).toLowerCase() !== 'utf-8') return false;
  }
  return true;
}

/**
 * Step 12 (conventions.md §6.1), for a request that has a non-empty body: the body must be
 * declared as JSON in UTF-8 and must not be content-encoded.
 */
export function checkBodyMediaType(
  contentType: string | undefined,
  contentEncoding: string | undefined,
): Result<true, MediaTypeRejection> {
  if (isJsonContentType(contentType) && isIdentityEncoding(contentEncoding)) return ok(true);
  return fail({ contentType: contentType ?? '' });
}
