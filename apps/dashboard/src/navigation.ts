/** Where the app may send the user after signing in: a path of this app only (never another origin). */
export const HOME = '/settings/api-keys';

/**
 * The `next` of the Sign in screen as a path of this app (router paths, below `/dashboard`), or
 * the home screen: anything that could leave the app — `//host`, `/\host`, a scheme, a backslash
 * or control character — or that would loop back to Sign in, is replaced by HOME.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return HOME;
  if (/[\\\u0000-\u001f\u007f]/.test(next) || /^\/[a-z][a-z0-9+.-]*:/i.test(next)) return HOME;
  if (next === '/sign-in' || next.startsWith('/sign-in?') || next.startsWith('/sign-in/')) return HOME;
  return next;
}
