/**
 * The session cookie off localhost (admin.md §3): with `BASE_DOMAIN` a real domain the cookie is
 * `Secure` as well, and a write's `Origin` must be the tenant host's https origin.
 */
import { ADMIN, adminRequest, PASSWORD, setCookieOf, signIn } from './testing-support/admin-client';
import { startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

const HOST = 'acme.datamingle.test';

describe('admin API: the session cookie with BASE_DOMAIN other than localhost', () => {
  let started: PlatformWithKey;

  beforeAll(async () => {
    started = await startWithKey('secure cookie', { platform: { env: { BASE_DOMAIN: 'datamingle.test' } } });
    await started.platform.createUser('acme', 'ops@acme.example', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await stopAll(started?.platform);
  });

  it('#68 the cookie is HttpOnly, SameSite=Lax, host-only and Secure; only the https origin of the tenant host may write', async () => {
    const res = await started.platform.request('POST', `${ADMIN}session/`, { host: HOST, body: { email: 'ops@acme.example', password: PASSWORD } });
    expect(res.status).toBe(200);
    const attributes = setCookieOf(res).split(';').map((p) => p.trim()).slice(1);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure']);
    expect(res.headers['strict-transport-security']).toBeDefined();

    const session = await signIn(started.platform, 'ops@acme.example', PASSWORD, HOST);
    const http = await adminRequest(started.platform, session, 'PATCH', 'settings/', { body: { integration_enabled: true }, headers: { origin: `http://${HOST}` } });
    expect([http.status, http.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
    const https = await adminRequest(started.platform, session, 'PATCH', 'settings/', { body: { integration_enabled: true }, headers: { origin: `https://${HOST}` } });
    expect(https.status).toBe(200);
  });
});
