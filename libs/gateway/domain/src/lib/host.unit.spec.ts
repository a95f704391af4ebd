import { tenantSlugFromHost } from './host';

describe('tenantSlugFromHost', () => {
  it.each([
    ['acme.localhost', 'localhost', 'acme'],
    ['acme.localhost:8080', 'localhost', 'acme'],
    ['ACME.LocalHost:8080', 'localhost', 'acme'],
    ['acme.localhost.', 'localhost', 'acme'],
    ['acme.localhost.:8080', 'localhost', 'acme'],
    ['acme.datamingle.ai', 'datamingle.ai', 'acme'],
    ['acme-2.datamingle.ai:443', 'datamingle.ai', 'acme-2'],
    ['a.datamingle.ai', 'datamingle.ai', 'a'],
    [`${'a'.repeat(63)}.datamingle.ai`, 'datamingle.ai', 'a'.repeat(63)],
    ['acme.datamingle.ai', 'DataMingle.AI', 'acme'],
  ])('%s under %s → %s', (host, base, slug) => {
    expect(tenantSlugFromHost(host, base)).toBe(slug);
  });

  it.each([
    ['missing header', undefined, 'localhost'],
    ['bare base domain', 'localhost:8080', 'localhost'],
    ['bare production domain', 'datamingle.ai', 'datamingle.ai'],
    ['foreign host', 'acme.example.com', 'datamingle.ai'],
    ['suffix without a dot', 'acmedatamingle.ai', 'datamingle.ai'],
    ['two labels in front', 'eu.acme.datamingle.ai', 'datamingle.ai'],
    ['label starting with a hyphen', '-acme.datamingle.ai', 'datamingle.ai'],
    ['label ending with a hyphen', 'acme-.datamingle.ai', 'datamingle.ai'],
    ['label with an underscore', 'ac_me.datamingle.ai', 'datamingle.ai'],
    ['64-character label', `${'a'.repeat(64)}.datamingle.ai`, 'datamingle.ai'],
    ['empty label', '.datamingle.ai', 'datamingle.ai'],
    ['empty host', '', 'localhost'],
    ['IPv6 literal', '[::1]:8080', 'localhost'],
  ])('%s → no tenant', (_label, host, base) => {
    expect(tenantSlugFromHost(host, base)).toBeNull();
  });
});
