import {
  clearedSessionCookie,
  csrfTokenFor,
  csrfTokenMatches,
  hashSessionToken,
  isWellFormedSessionToken,
  newSessionToken,
  sameOriginRequest,
  sessionCookie,
  sessionTokensFromCookie,
} from './session';

describe('session tokens', () => {
  it('are 256 random bits, base64url, new every time; only their SHA-256 is stored', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newSessionToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(isWellFormedSessionToken(t)).toBe(true);
    const t = newSessionToken();
    expect(hashSessionToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(t)).not.toContain(t);
    expect(hashSessionToken(t)).toBe(hashSessionToken(t));
  });

  it('derive a CSRF token per session and secret, compared in constant time', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(csrfTokenFor('s1', a)).toBe(csrfTokenFor('s1', a));
    expect(csrfTokenFor('s1', a)).not.toBe(csrfTokenFor('s1', b));
    expect(csrfTokenFor('s1', a)).not.toBe(csrfTokenFor('s2', a));
    expect(csrfTokenFor('s1', a)).not.toContain(a);
    expect(csrfTokenMatches(csrfTokenFor('s1', a), csrfTokenFor('s1', a))).toBe(true);
    expect(csrfTokenMatches(csrfTokenFor('s1', a), csrfTokenFor('s1', b))).toBe(false);
    expect(csrfTokenMatches(csrfTokenFor('s1', a), undefined)).toBe(false);
    expect(csrfTokenMatches(csrfTokenFor('s1', a), '')).toBe(false);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, host-only; Secure unless BASE_DOMAIN is localhost', () => {
    const t = newSessionToken();
    expect(sessionCookie(t, 'localhost')).toBe(`datamingle_session=${t}; Path=/; HttpOnly; SameSite=Lax`);
    expect(sessionCookie(t, 'datamingle.ai')).toBe(`datamingle_session=${t}; Path=/; HttpOnly; SameSite=Lax; Secure`);
    expect(sessionCookie(t, 'datamingle.ai')).not.toMatch(/domain=/i);
    expect(clearedSessionCookie('datamingle.ai')).toBe('datamingle_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });

  it('is read from a Cookie header among others; malformed values are ignored; at most four candidates', () => {
    const t = newSessionToken();
    const u = newSessionToken();
    expect(sessionTokensFromCookie(undefined)).toEqual([]);
    expect(sessionTokensFromCookie(`theme=dark; datamingle_session=${t}; other=1`)).toEqual([t]);
    expect(sessionTokensFromCookie(`datamingle_session=${t}; datamingle_session=${u}`)).toEqual([t, u]);
    expect(sessionTokensFromCookie(`datamingle_session="${t}"`)).toEqual([t]);
    expect(sessionTokensFromCookie('datamingle_session=short')).toEqual([]);
    expect(sessionTokensFromCookie(`xdatamingle_session=${t}`)).toEqual([]);
    const many = Array.from({ length: 6 }, () => `datamingle_session=${newSessionToken()}`).join('; ');
    expect(sessionTokensFromCookie(many)).toHaveLength(4);
  });
});

describe('same-origin writes', () => {
  const check = (headers: { origin?: string; host?: string; secFetchSite?: string }, base = 'localhost') => sameOriginRequest(headers, base);

  it('accepts no Origin (non-browser clients; the CSRF token protects them) and the host\'s own origin', () => {
    expect(check({ host: 'acme.localhost:8080' })).toBe(true);
    expect(check({ origin: 'http://acme.localhost:8080', host: 'acme.localhost:8080' })).toBe(true);
    expect(check({ origin: 'http://ACME.localhost:8080', host: 'acme.localhost:8080', secFetchSite: 'same-origin' })).toBe(true);
    expect(check({ origin: 'https://acme.datamingle.ai', host: 'acme.datamingle.ai' }, 'datamingle.ai')).toBe(true);
    expect(check({ origin: 'https://acme.datamingle.ai', host: 'acme.datamingle.ai:443' }, 'datamingle.ai')).toBe(true);
  });

  it('refuses another origin: sibling tenant, other port, other scheme, null, garbage, cross-site fetch metadata', () => {
    expect(check({ origin: 'http://evil.localhost:8080', host: 'acme.localhost:8080' })).toBe(false);
    expect(check({ origin: 'http://acme.localhost:9999', host: 'acme.localhost:8080' })).toBe(false);
    expect(check({ origin: 'http://acme.datamingle.ai', host: 'acme.datamingle.ai' }, 'datamingle.ai')).toBe(false);
    expect(check({ origin: 'null', host: 'acme.localhost:8080' })).toBe(false);
    expect(check({ origin: 'not a url', host: 'acme.localhost:8080' })).toBe(false);
    expect(check({ origin: 'http://acme.localhost:8080' })).toBe(false);
    expect(check({ host: 'acme.localhost:8080', secFetchSite: 'cross-site' })).toBe(false);
    expect(check({ host: 'acme.localhost:8080', secFetchSite: 'same-site' })).toBe(false);
    expect(check({ host: 'acme.localhost:8080', secFetchSite: 'none' })).toBe(true);
  });
});
