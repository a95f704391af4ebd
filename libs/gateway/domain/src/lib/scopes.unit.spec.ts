import { ALL_SCOPES, canonicalizeScopes, canonicalScope, requiredScope, scopeAllows } from './scopes';
import type { Action, Resource } from './types';

describe('ALL_SCOPES', () => {
  it('is exactly the canonical grammar', () => {
    expect([...ALL_SCOPES].sort()).toEqual(
      [
        'integrations.*',
        'integrations.orders.*',
        'integrations.orders.read',
        'integrations.orders.write',
        'integrations.orders.delete',
        'integrations.products.*',
        'integrations.products.read',
        'integrations.products.write',
        'integrations.products.delete',
        'integrations.locations.*',
        'integrations.locations.read',
        'integrations.locations.write',
        'integrations.locations.delete',
        'integrations.inventory.*',
        'integrations.inventory.read',
        'integrations.inventory.write',
      ].sort(),
    );
  });
});

describe('canonicalScope', () => {
  it('maps legacy inventorys aliases to the canonical form', () => {
    expect(canonicalScope('integrations.inventorys.*')).toBe('integrations.inventory.*');
    expect(canonicalScope('integrations.inventorys.read')).toBe('integrations.inventory.read');
    expect(canonicalScope('integrations.inventorys.write')).toBe('integrations.inventory.write');
  });

  it.each([
    'integrations.inventory.delete',
    'integrations.inventorys.delete',
    'integrations.orders',
    'orders.read',
    '*',
    'Integrations.*',
    'integrations.orders.READ',
    ' integrations.*',
    'integrations.*.read',
    'toString',
    '__proto__',
    '',
  ])('rejects %p', (s) => {
    expect(canonicalScope(s)).toBeNull();
  });
});

describe('canonicalizeScopes', () => {
  it('defaults to integrations.* when omitted', () => {
    expect(canonicalizeScopes(undefined)).toEqual({ ok: true, value: ['integrations.*'] });
  });

  it('removes duplicates and stores legacy strings canonically, keeping first-seen order', () => {
    expect(
      canonicalizeScopes(['integrations.orders.*', 'integrations.inventorys.write', 'integrations.orders.*', 'integrations.inventory.write']),
    ).toEqual({ ok: true, value: ['integrations.orders.*', 'integrations.inventory.write'] });
  });

  it('rejects an empty list', () => {
    const r = canonicalizeScopes([]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ reason: 'empty', message: 'This list may not be empty.' });
  });

  it('accepts 50 entries and rejects 51', () => {
    expect(canonicalizeScopes(Array(50).fill('integrations.*')).ok).toBe(true);
    const r = canonicalizeScopes(Array(51).fill('integrations.*'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ reason: 'too_many', message: 'Ensure this field has no more than 50 elements.' });
  });

  it('names the offending value', () => {
    const r = canonicalizeScopes(['integrations.orders.read', 'integrations.inventory.delete']);
    expect(r).toEqual({
      ok: false,
      error: { reason: 'unknown_scope', value: 'integrations.inventory.delete', index: 1, message: '"integrations.inventory.delete" is not a valid choice.' },
    });
  });

  it('rejects non-string entries', () => {
    const r = canonicalizeScopes(['integrations.*', 7]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ reason: 'not_a_string', value: 7, index: 1 });
  });
});

describe('requiredScope', () => {
  it('is integrations.<resource>.<action>', () => {
    expect(requiredScope('orders', 'delete')).toBe('integrations.orders.delete');
    expect(requiredScope('inventory', 'read')).toBe('integrations.inventory.read');
  });
});

describe('scopeAllows', () => {
  const all: Array<[Resource, Action]> = [
    ['orders', 'read'],
    ['orders', 'write'],
    ['orders', 'delete'],
    ['products', 'read'],
    ['products', 'write'],
    ['products', 'delete'],
    ['locations', 'read'],
    ['locations', 'write'],
    ['locations', 'delete'],
    ['inventory', 'read'],
    ['inventory', 'write'],
  ];

  it('integrations.* grants everything', () => {
    for (const [r, a] of all) expect(scopeAllows(['integrations.*'], r, a)).toBe(true);
  });

  it('a resource wildcard grants every action of that resource only', () => {
    for (const [r, a] of all) expect(scopeAllows(['integrations.orders.*'], r, a)).toBe(r === 'orders');
  });

  it('an exact scope grants that action only', () => {
    for (const [r, a] of all) expect(scopeAllows(['integrations.products.write'], r, a)).toBe(r === 'products' && a === 'write');
  });

  it('evaluates stored legacy inventorys scopes like their canonical form', () => {
    expect(scopeAllows(['integrations.inventorys.*'], 'inventory', 'read')).toBe(true);
    expect(scopeAllows(['integrations.inventorys.*'], 'inventory', 'write')).toBe(true);
    expect(scopeAllows(['integrations.inventorys.read'], 'inventory', 'read')).toBe(true);
    expect(scopeAllows(['integrations.inventorys.read'], 'inventory', 'write')).toBe(false);
    expect(scopeAllows(['integrations.inventorys.write'], 'inventory', 'write')).toBe(true);
    expect(scopeAllows(['integrations.inventorys.*'], 'orders', 'read')).toBe(false);
  });

  it('matches exactly: no prefixes, no case folding', () => {
    expect(scopeAllows(['integrations.orders'], 'orders', 'read')).toBe(false);
    expect(scopeAllows(['Integrations.*'], 'orders', 'read')).toBe(false);
    expect(scopeAllows(['*'], 'orders', 'read')).toBe(false);
    expect(scopeAllows(['integrations.orders.read '], 'orders', 'read')).toBe(false);
    expect(scopeAllows([], 'orders', 'read')).toBe(false);
  });

  it('any one granting scope is enough', () => {
    expect(scopeAllows(['integrations.products.read', 'integrations.orders.delete'], 'orders', 'delete')).toBe(true);
  });
});
