import {
  actionForMethod,
  decodeIdentifierSegment,
  isIntegrationPath,
  matchRoute,
  operationFor,
  ROUTES,
  splitRawUrl,
  type RouteMatch,
} from './routes';

const v1 = (p: string) => `/api/integrations/v1/${p}`;

function identifierOf(match: RouteMatch) {
  if (match.type !== 'resource') throw new Error(`no route: ${match.type}`);
  return match.identifier;
}

describe('splitRawUrl', () => {
  it('separates path and raw query', () => {
    expect(splitRawUrl('/a/b?x=1&y=%20')).toEqual({ path: '/a/b', query: 'x=1&y=%20' });
    expect(splitRawUrl('/a/b')).toEqual({ path: '/a/b', query: null });
    expect(splitRawUrl('/a/b?')).toEqual({ path: '/a/b', query: '' });
  });

  it('keeps %3F in the path (it is not a separator)', () => {
    expect(splitRawUrl('/a/b%3Fc?d')).toEqual({ path: '/a/b%3Fc', query: 'd' });
  });
});

describe('isIntegrationPath', () => {
  it.each([v1('orders/'), '/api/integrations/', '/api/integrations', '/api/integrations/v2/x', `${v1('openapi.json')}?a=b`])('%s is', (u) => {
    expect(isIntegrationPath(u)).toBe(true);
  });
  it.each(['/healthz', '/api/integrationsx', '/api/', '/API/integrations/', '/admin/api/integrations/'])('%s is not', (u) => {
    expect(isIntegrationPath(u)).toBe(false);
  });
});

describe('matchRoute', () => {
  it.each(['orders', 'products', 'locations', 'inventory'] as const)('matches the %s collection with and without trailing slash', (r) => {
    expect(matchRoute(v1(`${r}/`))).toEqual({ type: 'resource', route: ROUTES[r].collection });
    expect(matchRoute(v1(r))).toEqual({ type: 'resource', route: ROUTES[r].collection });
  });

  it('matches item routes with and without trailing slash', () => {
    const expected = { type: 'resource', route: ROUTES.orders.item, identifier: { raw: 'ORD-1', value: 'ORD-1' } };
    expect(matchRoute(v1('orders/ORD-1/'))).toEqual(expected);
    expect(matchRoute(v1('orders/ORD-1'))).toEqual(expected);
  });

  it('matches the OpenAPI document', () => {
    expect(matchRoute(v1('openapi.json'))).toEqual({ type: 'openapi' });
  });

  it.each([
    ['the base path', '/api/integrations/v1/'],
    ['the base path without slash', '/api/integrations/v1'],
    ['the integrations root', '/api/integrations/'],
    ['another version', '/api/integrations/v2/orders/'],
    ['an upper-case version', '/api/integrations/V1/orders/'],
    ['an upper-case resource', v1('Orders/')],
    ['an encoded resource name', v1('%6Frders/')],
    ['a singular resource', v1('order/')],
    ['legacy inventorys', v1('inventorys/')],
    ['an empty identifier segment', v1('orders//')],
    ['a double slash inside', '/api/integrations/v1//orders/'],
    ['two trailing slashes', v1('orders/ORD-1//')],
    ['extra segments', v1('orders/ORD-1/items/')],
    ['openapi with a sub-path', v1('openapi.json/x')],
    ['an unknown resource', v1('partners/')],
  ])('does not match %s', (_label, path) => {
    expect(matchRoute(path)).toEqual({ type: 'unknown' });
  });

  it('splits on / before decoding, so %2F stays inside the identifier', () => {
    expect(identifierOf(matchRoute(v1('locations/WH%2FSHELF-01/')))).toEqual({ raw: 'WH%2FSHELF-01', value: 'WH/SHELF-01' });
  });

  it('keeps undecodable identifiers on the route with a null value', () => {
    expect(identifierOf(matchRoute(v1('locations/%ZZ/')))).toEqual({ raw: '%ZZ', value: null });
  });

  it('gives inventory items read-only methods', () => {
    const m = matchRoute(v1('inventory/A-101/'));
    expect(m.type === 'resource' && m.route.methods).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });
});

describe('decodeIdentifierSegment', () => {
  it.each([
    ['WH%2FSHELF-01', 'WH/SHELF-01'],
    ['A%20101', 'A 101'],
    ['RUG%237', 'RUG#7'],
    ['%C3%87anta-01', 'Çanta-01'],
    ['%c3%a7', 'ç'],
    ['RUG+7', 'RUG+7'],
    ['%2B', '+'],
    ['100%25', '100%'],
    ['%252F', '%2F'],
    ['plain', 'plain'],
    ['%F0%9F%98%80', '😀'],
  ])('%s → %s', (raw, value) => {
    expect(decodeIdentifierSegment(raw)).toBe(value);
  });

  it.each([
    ['a malformed escape', '%ZZ'],
    ['a trailing %', 'A%'],
    ['a trailing %A', 'A%A'],
    ['one hex digit then text', '%Ag'],
    ['a lone continuation byte', '%80'],
    ['an invalid byte', '%FF'],
    ['a truncated sequence', '%C3'],
    ['an overlong encoding', '%C0%AF'],
    ['an encoded surrogate', '%ED%A0%80'],
    ['U+0000', 'A%00B'],
  ])('rejects %s', (_label, raw) => {
    expect(decodeIdentifierSegment(raw)).toBeNull();
  });
});

describe('actionForMethod', () => {
  it('maps methods to actions', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE'].map(actionForMethod)).toEqual([
      'read',
      'read',
      'read',
      'write',
      'write',
      'write',
      'delete',
      null,
    ]);
  });
});

describe('operationFor', () => {
  it('names collection operations', () => {
    expect(operationFor(ROUTES.orders.collection, 'GET')).toEqual({ resource: 'orders', action: 'read', name: 'list' });
    expect(operationFor(ROUTES.orders.collection, 'HEAD')).toEqual({ resource: 'orders', action: 'read', name: 'list' });
    expect(operationFor(ROUTES.inventory.collection, 'POST')).toEqual({ resource: 'inventory', action: 'write', name: 'create' });
    expect(operationFor(ROUTES.orders.collection, 'PUT')).toBeNull();
    expect(operationFor(ROUTES.orders.collection, 'OPTIONS')).toBeNull();
  });

  it('names item operations with the identifier', () => {
    expect(operationFor(ROUTES.products.item, 'GET', 'S1')).toEqual({ resource: 'products', action: 'read', name: 'get', identifier: 'S1' });
    expect(operationFor(ROUTES.products.item, 'PUT', 'S1')).toEqual({ resource: 'products', action: 'write', name: 'update', identifier: 'S1' });
    expect(operationFor(ROUTES.products.item, 'DELETE', 'S1')).toEqual({ resource: 'products', action: 'delete', name: 'delete', identifier: 'S1' });
    expect(operationFor(ROUTES.inventory.item, 'DELETE', 'A')).toBeNull();
    expect(operationFor(ROUTES.orders.item, 'PATCH', 'A')).toBeNull();
  });
});
