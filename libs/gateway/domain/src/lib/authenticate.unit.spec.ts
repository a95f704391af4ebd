import { authenticate, type AuthenticationDeps } from './authenticate';
import { HASH_SECRET, KEY, NOW, defaultKeyStore } from '../testing-support/pipeline-fakes';
import { hashApiKey } from './api-keys';

function deps() {
  const keys = defaultKeyStore();
  const lookups: string[] = [];
  const d: AuthenticationDeps = {
    baseDomain: 'localhost',
    now: () => NOW,
    hashApiKey: (k) => hashApiKey(HASH_SECRET, k),
    findKeyByHash: async (h) => {
      lookups.push(h);
      return keys.get(h) ?? null;
    },
  };
  return { d, lookups, keys };
}

const host = 'acme.localhost:8080';

describe('authenticate', () => {
  it('accepts a valid key of the host tenant', async () => {
    const { d } = deps();
    const r = await authenticate({ apiKey: KEY.acme, host }, d);
    expect(r).toMatchObject({ ok: true, tenantSlug: 'acme', key: { id: 'key-acme' } });
  });

  it('ignores surrounding whitespace and accepts a single-element array', async () => {
    const { d } = deps();
    expect((await authenticate({ apiKey: `  ${KEY.acme}\t`, host }, d)).ok).toBe(true);
    expect((await authenticate({ apiKey: [KEY.acme], host }, d)).ok).toBe(true);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['whitespace only', '   '],
    ['an empty array', []],
  ])('is NOT_AUTHENTICATED when the header is %s', async (_label, apiKey) => {
    const { d, lookups } = deps();
    expect(await authenticate({ apiKey, host }, d)).toEqual({ ok: false, code: 'NOT_AUTHENTICATED', tenantSlug: 'acme', key: null });
    expect(lookups).toHaveLength(0);
  });

  it('treats a repeated header as an invalid key, without lookup', async () => {
    const { d, lookups } = deps();
    expect(await authenticate({ apiKey: [KEY.acme, KEY.acme], host }, d)).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED', key: null });
    expect(lookups).toHaveLength(0);
  });

  it('rejects a malformed value without a data-store lookup', async () => {
    const { d, lookups } = deps();
    expect(await authenticate({ apiKey: 'Bearer abc', host }, d)).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED' });
    expect(lookups).toHaveLength(0);
  });

  it('still looks a well-formed key up when the host names no tenant', async () => {
    const { d, lookups } = deps();
    expect(await authenticate({ apiKey: KEY.acme, host: 'localhost:8080' }, d)).toEqual({
      ok: false,
      code: 'AUTHENTICATION_FAILED',
      tenantSlug: null,
      key: null,
    });
    expect(lookups).toHaveLength(1);
  });

  it('fails unknown keys and keys of another tenant alike, without identifying the key', async () => {
    const { d } = deps();
    expect(await authenticate({ apiKey: KEY.unknown, host }, d)).toEqual({ ok: false, code: 'AUTHENTICATION_FAILED', tenantSlug: 'acme', key: null });
    expect(await authenticate({ apiKey: KEY.globex, host }, d)).toEqual({ ok: false, code: 'AUTHENTICATION_FAILED', tenantSlug: 'acme', key: null });
  });

  it('fails inactive keys, also when expired or switched off', async () => {
    const { d } = deps();
    expect(await authenticate({ apiKey: KEY.acmeInactive, host }, d)).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED' });
    expect(await authenticate({ apiKey: KEY.acmeInactiveExpired, host }, d)).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED' });
  });

  it('reports expiry at or before now, and not after', async () => {
    const { d, keys } = deps();
    const record = keys.get(hashApiKey(HASH_SECRET, KEY.acme))!;
    record.expiresAt = new Date(NOW.getTime());
    expect(await authenticate({ apiKey: KEY.acme, host }, d)).toMatchObject({ ok: false, code: 'KEY_EXPIRED', key: { id: 'key-acme' } });
    record.expiresAt = new Date(NOW.getTime() + 1);
    expect((await authenticate({ apiKey: KEY.acme, host }, d)).ok).toBe(true);
    record.expiresAt = new Date(Number.NaN);
    expect(await authenticate({ apiKey: KEY.acme, host }, d)).toMatchObject({ ok: false, code: 'KEY_EXPIRED' });
  });

  it('checks expiry before the integration switch', async () => {
    const { d } = deps();
    expect(await authenticate({ apiKey: KEY.disabledTenantExpired, host: 'off.localhost' }, d)).toMatchObject({ ok: false, code: 'KEY_EXPIRED' });
    expect(await authenticate({ apiKey: KEY.disabledTenant, host: 'off.localhost' }, d)).toMatchObject({
      ok: false,
      code: 'INTEGRATION_DISABLED',
      key: { id: 'key-off' },
    });
  });
});
