import { ADMIN_ROUTES } from '@datamingle/gateway-domain';
import { buildAdminOpenApiDocument } from './admin-openapi';

describe('the admin API OpenAPI document', () => {
  const doc = buildAdminOpenApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 with one path per route of the table and one operation per method', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(ADMIN_ROUTES.map((r) => `/api/admin/v1/${r.path}`));
    for (const route of ADMIN_ROUTES) {
      const item = doc.paths[`/api/admin/v1/${route.path}`]!;
      for (const [method, op] of Object.entries(route.methods)) {
        expect(item[method.toLowerCase()]).toMatchObject({ operationId: op, responses: expect.objectContaining({ '403': expect.anything() }) });
      }
    }
  });

  it('uses the session cookie everywhere but sign-in; every $ref resolves', () => {
    expect(doc.components.securitySchemes).toEqual({ Session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'datamingle_session' }) });
    expect(doc.paths['/api/admin/v1/session/']!['post']!.security).toEqual([]);
    expect(doc.paths['/api/admin/v1/users/']!['get']!.security).toEqual([{ Session: [] }]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas).toHaveProperty(name);
  });

  it('documents the key, shown once, only on creation and rotation', () => {
    const text = (op: string) => JSON.stringify(Object.values(doc.paths).flatMap((item) => Object.values(item).filter((o) => o.operationId === op)));
    expect(text('createKey')).toContain('ApiKeyWithSecret');
    expect(text('rotateKey')).toContain('ApiKeyWithSecret');
    expect(text('getKey')).not.toContain('ApiKeyWithSecret');
    expect(text('listKeys')).not.toContain('ApiKeyWithSecret');
  });

  it('documents partners: the seven template slugs, the partner key on create, and partner audit targets', () => {
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }> }>;
    expect(schemas['Partner']!.properties['template']!.enum).toEqual(['acumatica', 'sap-business-one', 'netsuite', 'shopify', 'logo-erp', 'mikro-erp', 'custom']);
    expect(Object.keys(schemas['Partner']!.properties)).toEqual(['id', 'name', 'template', 'default_identifier_field', 'created_at', 'updated_at']);
    expect(schemas['AuditEvent']!.properties['target']!.properties!['type']!.enum).toContain('partner');
    expect(JSON.stringify(doc.paths['/api/admin/v1/api-keys/']!['post'])).toContain('"partner"');
    expect(doc.paths['/api/admin/v1/partners/{id}/']!['delete']!.operationId).toBe('deletePartner');
  });
});
