/**
 * Sign-in sessions (admin.md §3): the token, its stored hash, the CSRF token derived from it, the
 * cookie, and the checks of a write's origin. The cookie carries a random 256-bit token; only its
 * SHA-256 is stored, and the CSRF token is HMAC-SHA-256(server secret, token), stored nowhere.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'datamingle_session';
export const SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_LIFETIME_SECONDS = 12 * 60 * 60;
/** 10 failed sign-ins for one email on one tenant within 15 minutes → 429. */
export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** A new session token: 32 bytes from the CSPRNG, base64url (43 characters). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedSessionToken(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}

/** What is stored for a session: the token's SHA-256, hex. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The session's CSRF token, derived (never stored): HMAC-SHA-256 of the session token. */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionToken}`, 'utf8').digest('base64url');
}

/** Constant-time comparison of a presented CSRF token with the expected one. */
export function csrfTokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every value of the session cookie in a `Cookie` header (a sibling host may toss a second one), at most 4. */
export function sessionTokensFromCookie(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  const found: string[] = [];
  for (const part of cookieHeader.split(/;\s*|,\s*/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (isWellFormedSessionToken(value) && !found.includes(value)) found.push(value);
    if (found.length === 4) break;
  }
  return found;
}

/** Whether the cookie gets `Secure`: whenever the base domain is not `localhost`. */
export function secureCookies(baseDomain: string): boolean {
  return baseDomain.toLowerCase() !== 'localhost';
}

/** The session cookie: HttpOnly, SameSite=Lax, Path=/, host-only (no Domain), Secure unless on localhost. */
export function sessionCookie(token: string, baseDomain: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secureCookies(baseDomain) ? '; Secure' : ''}`;
}

/** The cookie that removes the session cookie from the browser (sign-out). */
export function clearedSessionCookie(baseDomain: string): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureCookies(baseDomain) ? '; Secure' : ''}`;
}

/**
 * Whether a request comes from the tenant host's own origin as far as the browser tells: a present
 * `Origin` must be exactly the host's origin (https, or http on localhost), and a present
 * `Sec-Fetch-Site` must be `same-origin` or `none`. Absent headers (non-browser clients) pass:
 * those are held by the CSRF token.
 */
export function sameOriginRequest(headers: { origin?: string; host?: string; secFetchSite?: string }, baseDomain: string): boolean {
  const site = headers.secFetchSite?.trim().toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  if (headers.origin === undefined) return true;
  if (headers.host === undefined) return false;
  let origin: URL;
  try {
    origin = new URL(headers.origin.trim());
  } catch {
    return false;
  }
  const schemes = secureCookies(baseDomain) ? ['https:'] : ['http:', 'https:'];
  if (!schemes.includes(origin.protocol)) return false;
  if (origin.pathname !== '/' || origin.search !== '' || origin.username !== '' || origin.password !== '') return false;
  const host = headers.host.trim().toLowerCase().replace(/\.(?=:|$)/, '');
  const defaultPort = origin.protocol === 'https:' ? '443' : '80';
  const originHost = origin.port === '' ? origin.hostname : `${origin.hostname}:${origin.port}`;
  return originHost === host || (origin.port === '' && host === `${origin.hostname}:${defaultPort}`);
}
