import { spawnSync } from 'node:child_process';
import { ERROR_STATUS } from '@datamingle/contracts';
import { BASE_PATH, OPENAPI_METHODS, ROUTES, requiredScope, actionForMethod, type Resource } from '@datamingle/gateway-domain';
import { buildOpenApiDocument, documentedMethods, OPENAPI_PATH } from './openapi';
import { isReference, type HttpMethod, type OpenApiDocument, type OperationObject, type ResponseObject } from './types';

/**
 * `@seriousme/openapi-schema-validator` is ESM-only, which Jest's CommonJS runtime cannot load,
 * so the document is validated in a child Node process.
 */
function validateWithOpenApiSchemaValidator(doc: unknown): { valid: boolean; errors?: unknown } {
  const script = `
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: __dirname,
    input: JSON.stringify(doc),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`validator process failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as { valid: boolean; errors?: unknown; version?: string };
}

function operations(doc: OpenApiDocument): Array<{ path: string; method: HttpMethod; operation: OperationObject }> {
  const out: Array<{ path: string; method: HttpMethod; operation: OperationObject }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'head', 'options', 'post', 'put', 'delete', 'patch', 'trace'] as HttpMethod[]) {
      const operation = item[method];
      if (operation) out.push({ path, method, operation });
    }
  }
  return out;
}

function resolve(doc: OpenApiDocument, response: OperationObject['responses'][string]): ResponseObject {
  return isReference(response) ? doc.components.responses[response.$ref.split('/').pop()!]! : response;
}

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', () => {
    const result = validateWithOpenApiSchemaValidator(doc);
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('stays valid with a custom server and version', () => {
    const custom = buildOpenApiDocument({ serverUrl: 'https://acme.example.com/', version: '1.2.3' });
    expect(custom.info.version).toBe('1.2.3');
    expect(custom.servers[0]).toEqual({ url: 'https://acme.example.com', description: 'This deployment' });
    expect(validateWithOpenApiSchemaValidator(custom).valid).toBe(true);
  });

  it('declares OpenAPI 3.1, the tenant servers and the X-API-Key scheme applied globally', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers.map((s) => s.url)).toEqual(['https://{tenant}.datamingle.ai', 'http://{tenant}.localhost:8080']);
    for (const server of doc.servers) expect(server.variables?.['tenant']?.default).toBe('acme');
    expect(doc.components.securitySchemes['ApiKey']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(doc.security).toEqual([{ ApiKey: [] }]);
    expect(doc.tags.map((t) => t.name)).toEqual(['Orders', 'Products', 'Locations', 'Inventory', 'Changes', 'Discovery']);
  });

  it('documents every route × method of the gateway route table, with trailing slashes', () => {
    const expected: string[] = [];
    for (const resource of Object.keys(ROUTES) as Resource[]) {
      const { collection, item, history } = ROUTES[resource];
      for (const m of collection.methods) expected.push(`${m} ${BASE_PATH}${resource}/`);
      for (const m of item.methods) expected.push(`${m} ${BASE_PATH}${resource}/{identifier}/`);
      for (const m of history?.methods ?? []) expected.push(`${m} ${BASE_PATH}${resource}/{identifier}/history/`);
    }
    expect(ROUTES.orders.history?.methods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expected.push(`${m} ${BASE_PATH}changes/`);
    for (const m of OPENAPI_METHODS) expected.push(`${m} ${OPENAPI_PATH}`);
    const actual = operations(doc).map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(actual.sort()).toEqual(expected.sort());
    for (const path of Object.keys(doc.paths)) if (path !== OPENAPI_PATH) expect(path.endsWith('/')).toBe(true);
  });

  it('gives every operation a unique operationId, a summary, a description and a tag', () => {
    const ids = operations(doc).map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations(doc)) {
      expect(operation.summary).not.toBe('');
      expect(operation.description).toMatch(/\*\*Scope:\*\*/);
      expect(operation.tags).toHaveLength(1);
    }
  });

  it('names the required scope of every resource operation', () => {
    for (const resource of Object.keys(ROUTES) as Resource[]) {
      for (const kind of ['collection', 'item'] as const) {
        const path = `${BASE_PATH}${resource}/${kind === 'item' ? '{identifier}/' : ''}`;
        for (const method of ROUTES[resource][kind].methods) {
          const operation = doc.paths[path]![method.toLowerCase() as HttpMethod]!;
          const scope = requiredScope(resource, actionForMethod(method)!);
          expect(operation['x-required-scope']).toBe(scope);
          expect(operation.security).toEqual([{ ApiKey: [scope] }]);
          expect(operation.description).toContain(`\`${scope}\``);
        }
      }
    }
  });

  it('serves its own document without security', () => {
    const get = doc.paths[OPENAPI_PATH]!.get!;
    expect(get.security).toEqual([]);
    expect(Object.keys(get.responses)).toEqual(['200', '413', '500']);
  });

  it('documents the identifier path parameter with percent-encoding', () => {
    for (const resource of Object.keys(ROUTES) as Resource[]) {
      const [param] = doc.paths[`${BASE_PATH}${resource}/{identifier}/`]!.parameters!;
      expect(param).toMatchObject({ name: 'identifier', in: 'path', required: true });
      expect((param as { description: string }).description).toContain('%2F');
    }
  });

  it('lists the success and error statuses of each operation', () => {
    const statuses = (path: string, method: HttpMethod) => Object.keys(doc.paths[`${BASE_PATH}${path}`]![method]!.responses);
    const common = ['401', '403', '413', '429', '500', '503', '504'];
    const sorted = (list: string[]) => [...list].sort();
    expect(sorted(statuses('orders/', 'get'))).toEqual(sorted(['200', '400', ...common]));
    // 409 and 422 on every POST, PUT and DELETE: Idempotency-Key in flight / used for another request.
    expect(sorted(statuses('orders/', 'post'))).toEqual(sorted(['201', '400', '409', '415', '422', ...common]));
    expect(sorted(statuses('orders/{identifier}/', 'get'))).toEqual(sorted(['200', '404', ...common]));
    expect(sorted(statuses('orders/{identifier}/', 'put'))).toEqual(sorted(['200', '400', '404', '409', '415', '422', ...common]));
    expect(sorted(statuses('orders/{identifier}/', 'delete'))).toEqual(sorted(['200', '400', '404', '409', '415', '422', ...common]));
    expect(sorted(statuses('products/', 'post'))).toEqual(sorted(['201', '400', '409', '415', '422', ...common]));
    expect(sorted(statuses('products/{identifier}/', 'delete'))).toEqual(sorted(['200', '400', '404', '409', '415', '422', ...common]));
    expect(sorted(statuses('locations/', 'post'))).toEqual(sorted(['201', '400', '409', '415', '422', ...common]));
    expect(sorted(statuses('inventory/', 'post'))).toEqual(sorted(['200', '400', '409', '415', '422', ...common]));
    expect(sorted(statuses('inventory/{identifier}/', 'get'))).toEqual(sorted(['200', '400', '404', ...common]));
    expect(sorted(statuses('inventory/{identifier}/', 'options'))).toEqual(sorted(['204', ...common]));
    expect(sorted(statuses('inventory/{identifier}/', 'head'))).toEqual(sorted(statuses('inventory/{identifier}/', 'get')));
  });

  it('documents Idempotency-Key on every POST, PUT and DELETE (the header, Idempotent-Replayed, its 409 and 422), and not on GET', () => {
    for (const { operation, path, method } of operations(doc)) {
      const names = (operation.parameters ?? []).map((p) => ('$ref' in p ? p.$ref.split('/').pop() : p.name));
      const where = `${method} ${path}`;
      if (['post', 'put', 'delete'].includes(method)) {
        expect({ where, names }).toEqual({ where, names: expect.arrayContaining(['IdempotencyKey']) });
        const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))![1];
        expect(Object.keys(resolve(doc, success).headers ?? {})).toContain('Idempotent-Replayed');
        expect(resolve(doc, operation.responses['409']!).description).toContain('A request with this Idempotency-Key is in progress');
        expect(resolve(doc, operation.responses['409']!).description).toContain('Retry-After: 1');
        expect(resolve(doc, operation.responses['422']!).description).toContain('Idempotency-Key was already used for a different request');
      } else {
        expect({ where, names }).toEqual({ where, names: expect.not.arrayContaining(['IdempotencyKey']) });
      }
    }
    expect(doc.components.parameters['IdempotencyKey']).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
  });

  it('narrows each error response to the codes of its status (from ERROR_STATUS)', () => {
    for (const [name, response] of Object.entries(doc.components.responses)) {
      const schema = response.content?.['application/json']?.schema;
      if (schema === undefined || typeof schema === 'boolean') continue;
      const codes = ((schema.properties?.['error'] as { properties: { code: { enum: string[] } } }).properties.code.enum) as (keyof typeof ERROR_STATUS)[];
      const statuses = new Set(codes.map((c) => ERROR_STATUS[c]));
      expect({ name, statuses: statuses.size }).toEqual({ name, statuses: 1 });
    }
    expect(doc.components.schemas['ErrorCode']).toMatchObject({ enum: Object.keys(ERROR_STATUS) });
    expect(doc['x-error-catalogue'].map((e) => [e.code, e.status])).toEqual(Object.entries(ERROR_STATUS));
  });

  it('documents the response headers: X-Request-ID everywhere, Retry-After, Allow, WWW-Authenticate where due', () => {
    for (const { operation, path, method } of operations(doc)) {
      for (const [status, ref] of Object.entries(operation.responses)) {
        const response = resolve(doc, ref);
        const where = `${method} ${path} ${status}`;
        expect({ where, headers: Object.keys(response.headers ?? {}) }).toEqual({ where, headers: expect.arrayContaining(['X-Request-ID']) });
        const names = Object.keys(response.headers ?? {});
        if (status === '429' || status === '503') expect(names).toContain('Retry-After');
        if (status === '401') expect(names).toContain('WWW-Authenticate');
        if (status === '204' || status === '405') expect(names).toContain('Allow');
        if (method === 'head' || status === '204') expect(response.content).toBeUndefined();
        else expect(response.content?.['application/json']?.schema).toBeDefined();
        if ((status === '401' || status === '403') && method !== 'head') {
          expect(JSON.stringify(response.content?.['application/json']?.schema)).toContain('#/components/schemas/AuthErrorEnvelope');
        }
      }
    }
    const generic = doc['x-unmatched-responses'];
    expect(Object.keys(generic.unknownPath)).toContain('404');
    expect(Object.keys(generic.unsupportedMethod)).toContain('405');
    expect(resolve(doc, generic.unsupportedMethod['405']!).headers).toHaveProperty('Allow');
  });

  it('documents request bodies with their schemas', () => {
    const body = (path: string, method: HttpMethod) => doc.paths[`${BASE_PATH}${path}`]![method]!.requestBody;
    expect(body('orders/', 'post')).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderCreate' } } } });
    expect(body('orders/{identifier}/', 'put')?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OrderUpdate' });
    expect(body('orders/{identifier}/', 'delete')).toMatchObject({ required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderCancel' } } } });
    expect(body('products/', 'post')?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ProductCreate' });
    expect(body('locations/{identifier}/', 'put')?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/LocationUpdate' });
    expect(body('inventory/', 'post')?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/InventoryBulkRequest' });
    expect(body('orders/', 'get')).toBeUndefined();
  });

  it('reports methods per path item in the form of the Allow header', () => {
    expect(documentedMethods(doc.paths[`${BASE_PATH}orders/`]!).sort()).toEqual([...ROUTES.orders.collection.methods]);
    expect(documentedMethods(doc.paths[`${BASE_PATH}inventory/{identifier}/`]!).sort()).toEqual([...ROUTES.inventory.item.methods]);
  });

  it('returns an independent object on every call', () => {
    const a = buildOpenApiDocument();
    a.info.title = 'changed';
    (a.components.schemas['Order'] as { required: string[] }).required.push('x');
    const b = buildOpenApiDocument();
    expect(b.info.title).toBe('Datamingle integration API');
    expect((b.components.schemas['Order'] as { required: string[] }).required).not.toContain('x');
  });

  // The response validator (and ajv with it) is test-only: it lives in @datamingle/gateway-testing,
  // which this production library must never load.
  it('does not load ajv nor the response validator', () => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('@datamingle/gateway-testing', () => {
        loaded = true;
        return {};
      });
      jest.doMock('ajv/dist/2020', () => {
        loaded = true;
        return {};
      });
      jest.doMock('ajv-formats', () => {
        loaded = true;
        return {};
      });
      const lib = require('./index') as typeof import('./index');
      lib.buildOpenApiDocument();
      lib.buildDocsSite({ title: 't', sources: [{ title: 't', slug: 't', url: '/openapi.json' }], scalarBundle: '' });
    });
    expect(loaded).toBe(false);
  });
});
