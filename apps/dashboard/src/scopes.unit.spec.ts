import { ALL_INTEGRATIONS, describeScopes, scopesOf } from './scopes';

describe('the scopes of the create-key form', () => {
  it('defaults to integrations.*', () => {
    expect(scopesOf({ all: true })).toEqual([ALL_INTEGRATIONS]);
  });

  it('turns per-resource choices into scopes in the grammar, a whole resource as <resource>.*', () => {
    expect(scopesOf({ all: false, perResource: { orders: ['read'] } })).toEqual(['integrations.orders.read']);
    expect(scopesOf({ all: false, perResource: { orders: ['write', 'read'], inventory: ['read', 'write'] } })).toEqual([
      'integrations.orders.read',
      'integrations.orders.write',
      'integrations.inventory.*',
    ]);
    expect(scopesOf({ all: false, perResource: { products: ['read', 'write', 'delete'] } })).toEqual(['integrations.products.*']);
  });

  it('never sends an action a resource does not have (inventory has no delete), and nothing for no choice', () => {
    expect(scopesOf({ all: false, perResource: { inventory: ['delete'] } })).toEqual([]);
    expect(scopesOf({ all: false, perResource: {} })).toEqual([]);
  });

  it('describes scopes for the table', () => {
    expect(describeScopes(['integrations.*'])).toBe('All (integrations.*)');
    expect(describeScopes(['integrations.orders.read', 'integrations.inventory.*'])).toBe('orders.read, inventory.*');
  });
});
