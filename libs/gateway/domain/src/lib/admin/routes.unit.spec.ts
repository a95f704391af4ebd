import { ADMIN_ROUTES, allowedMethods, isAdminPath, matchAdminRoute, roleAllows } from './routes';

const ID = '7e3a9f12-5b6c-4d8e-9f01-23456789abcd';

describe('admin API routes', () => {
  it('match with or without the trailing slash, with a UUID id', () => {
    const a = matchAdminRoute(`/api/admin/v1/api-keys/${ID}/rotate/`);
    const b = matchAdminRoute(`/api/admin/v1/api-keys/${ID.toUpperCase()}/rotate`);
    expect(a).toEqual({ type: 'route', route: ADMIN_ROUTES.find((r) => r.path === 'api-keys/{id}/rotate/'), id: ID });
    expect(b).toEqual(a);
    expect(matchAdminRoute('/api/admin/v1/users')).toMatchObject({ type: 'route', route: { path: 'users/' }, id: null });
    expect(matchAdminRoute('/api/admin/v1/me/password')).toMatchObject({ type: 'route', route: { path: 'me/password/' } });
    expect(matchAdminRoute('/api/admin/v1/openapi.json')).toEqual({ type: 'openapi' });
  });

  it('name no route for unknown paths, a non-UUID id, or the bare base path', () => {
    for (const path of ['/api/admin/v1/', '/api/admin/v1', '/api/admin/v1/api-keys/abc/', '/api/admin/v1/nope/', '/api/admin/v1//users/', '/api/admin/v1/users/x/y/']) {
      expect({ path, match: matchAdminRoute(path) }).toEqual({ path, match: { type: 'not_found' } });
    }
    expect(isAdminPath('/api/admin/v1/users/?limit=1')).toBe(true);
    expect(isAdminPath('/api/admin/v10/users/')).toBe(false);
    expect(isAdminPath('/api/integrations/v1/orders/')).toBe(false);
  });

  it('list Allow with HEAD for GET and OPTIONS always', () => {
    expect(allowedMethods(ADMIN_ROUTES.find((r) => r.path === 'api-keys/{id}/')!)).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH', 'DELETE']);
    expect(allowedMethods(ADMIN_ROUTES.find((r) => r.path === 'session/')!)).toEqual(['OPTIONS', 'POST', 'DELETE']);
  });

  it('match the mapping and template paths: preview is not an id, a slug is not a UUID', () => {
    expect(matchAdminRoute(`/api/admin/v1/partners/${ID}/mappings`)).toMatchObject({ type: 'route', route: { path: 'partners/{id}/mappings/' }, id: ID });
    expect(matchAdminRoute('/api/admin/v1/mappings/preview/')).toMatchObject({ type: 'route', route: { path: 'mappings/preview/' }, id: null });
    expect(matchAdminRoute(`/api/admin/v1/mappings/${ID}/activate/`)).toMatchObject({ type: 'route', route: { path: 'mappings/{id}/activate/' }, id: ID });
    expect(matchAdminRoute(`/api/admin/v1/mappings/${ID}/deactivate`)).toMatchObject({ type: 'route', route: { path: 'mappings/{id}/deactivate/' }, id: ID });
    expect(matchAdminRoute('/api/admin/v1/templates/sap-business-one/')).toMatchObject({ type: 'route', route: { path: 'templates/{slug}/' }, id: 'sap-business-one' });
    expect(matchAdminRoute('/api/admin/v1/templates/Oracle_2')).toMatchObject({ type: 'route', route: { path: 'templates/{slug}/' }, id: 'Oracle_2' });
    for (const path of ['/api/admin/v1/mappings/other/', '/api/admin/v1/templates/a.b/', `/api/admin/v1/templates/${'x'.repeat(101)}/`, '/api/admin/v1/mappings/']) {
      expect({ path, match: matchAdminRoute(path) }).toEqual({ path, match: { type: 'not_found' } });
    }
    expect(allowedMethods(ADMIN_ROUTES.find((r) => r.path === 'mappings/{id}/')!)).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
  });

  it('let a viewer read everything and write only its own password, its sign-out and a mapping preview (which stores nothing)', () => {
    for (const route of ADMIN_ROUTES) {
      for (const [method, op] of Object.entries(route.methods)) {
        expect(roleAllows('admin', op, method)).toBe(true);
        const expected = method === 'GET' || op === 'changePassword' || op === 'signOut' || op === 'previewMapping';
        expect({ op, viewer: roleAllows('viewer', op, method) }).toEqual({ op, viewer: expected });
      }
    }
  });
});
