import { spawnSync } from 'node:child_process';
import { ADMIN_ROUTES, TEMPLATE_VIEWS } from '@datamingle/gateway-domain';
import { buildAdminOpenApiDocument } from './admin-openapi';

/** The OpenAPI 3.1 schema validator is ESM-only: it runs in a child Node process (like openapi.unit.spec.ts). */
function validOpenApi(doc: unknown): { valid: boolean; errors?: unknown } {
  const script = `
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    process.stdout.write(JSON.stringify(await new Validator().validate(JSON.parse(Buffer.concat(chunks).toString('utf8')))));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname, input: JSON.stringify(doc), encoding: 'utf8', timeout: 60_000 });
  if (child.status !== 0) throw new Error(`validator process failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as { valid: boolean; errors?: unknown };
}

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

  it('is a valid OpenAPI 3.1 document', () => {
    const result = validOpenApi(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents mappings, preview and templates: the §2.1 representation, a slug parameter, mapping audit targets', () => {
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }> }>;
    expect(Object.keys(schemas['Mapping']!.properties)).toEqual([
      'id',
      'partner',
      'resource',
      'name',
      'is_active',
      'identifier_field',
      'field_map',
      'nested_mappings',
      'static_values',
      'created_at',
      'updated_at',
    ]);
    expect(schemas['Mapping']!.properties['resource']!.enum).toEqual(['orders', 'products', 'locations', 'inventory']);
    expect(Object.keys(schemas['Template']!.properties)).toEqual(['slug', 'name', 'version', 'resources', 'default_identifier_field', 'mappings']);
    expect(schemas['AuditEvent']!.properties['target']!.properties!['type']!.enum).toContain('mapping');
    const op = (path: string, method: string) => doc.paths[`/api/admin/v1/${path}`]![method]!;
    expect(op('partners/{id}/mappings/', 'get').operationId).toBe('listMappings');
    expect(op('mappings/preview/', 'post').responses).toHaveProperty('200');
    expect(op('mappings/{id}/activate/', 'post').responses).toHaveProperty('200');
    expect(op('mappings/{id}/', 'put').operationId).toBe('replaceMapping');
    expect((doc.paths['/api/admin/v1/templates/{slug}/'] as unknown as { parameters: Array<{ name: string }> }).parameters.map((p) => p.name)).toEqual(['slug']);
    expect(JSON.stringify(op('templates/', 'get').responses['200'])).not.toContain('pagination');
    expect(TEMPLATE_VIEWS).toHaveLength(7);
  });
});
