/**
 * Black-box conformance tests for spec/README.md checklist items 1–2 and 14–23 (conventions,
 * request IDs, envelopes, JSON request rules, size limit, routing, datetimes), plus the
 * sub-rules of conventions.md and errors.md that those items summarise. Everything goes through
 * the real gateway, real services and a real PostgreSQL database.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { rawRequest, startTestPlatform, type ApiRequestOptions, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { stopAll } from './testing-support/e2e-setup';


const V1 = '/api/integrations/v1/';
const MAX_BODY = 10_485_760;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A response read off a raw socket (for requests Node's HTTP client refuses to produce). */
interface WireResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Writes `head` (and optionally a body) on a raw TCP socket and reads until the server closes it. */
function wireRequest(port: number, head: string, body?: Buffer, timeoutMs = 15_000): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString('latin1').slice(0, 500)}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // the server may reset after answering; what was read counts
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`incomplete response: ${raw.slice(0, 500)}`));
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = raw.slice(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        let out = '';
        let rest = text;
        for (;;) {
          const nl = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        text = out;
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, text, body: parsed });
    });
    socket.write(head);
    if (body) socket.write(body);
  });
}

/**
 * Streams a body with `Transfer-Encoding: chunked` (no Content-Length). Resolves as soon as the
 * response arrives; write errors after the server answered (it may close early) are ignored.
 */
function chunkedRequest(port: number, path: string, headers: Record<string, string>, chunk: Buffer, count: number): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { host: 'acme.localhost', ...headers }, agent: false }, (r) => {
      answered = true;
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: r.statusCode ?? 0, headers: r.headers, text, body });
      });
      r.on('error', () => undefined);
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    let written = 0;
    const pump = (): void => {
      while (written < count && !answered && !req.destroyed) {
        written++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump();
  });
}

function header(res: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Asserts the standard error envelope (errors.md §1) and returns the body. */
function expectError(res: ApiResponse | WireResponse, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body.success).toBe(false);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.body.request_id).toBe(header(res, 'x-request-id'));
  return res.body;
}

function allowSet(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .sort();
}

/** Every string value under a key ending in `_at` / `_date`, with its path. */
function datetimeFields(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => datetimeFields(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const p = path ? `${path}.${k}` : k;
      if (/_(at|date)$/.test(k) && v !== null) return [[p, v] as [string, unknown]];
      return datetimeFields(v, p);
    });
  }
  return [];
}

describe('conformance: conventions, envelopes, request rules (items 1–2, 14–23)', () => {
  let platform: TestPlatform;
  let key: string;
  let otherTenantKey: string;
  let req: (method: string, path: string, options?: ApiRequestOptions) => Promise<ApiResponse>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.createTenant('acme');
    await platform.createTenant('globex');
    ({ key } = await platform.createKey('acme', { name: 'conventions e2e' }));
    ({ key: otherTenantKey } = await platform.createKey('globex', { name: 'other tenant' }));
    req = (method, path, options = {}) => platform.request(method, path.startsWith('/') ? path : V1 + path, options);
    // Shared fixtures: one product and one order.
    expect((await req('POST', 'products/', { key, body: { sku: 'CONV-SKU-1', name: 'Conventions product' } })).status).toBe(201);
    const order = await req('POST', 'orders/', {
      key,
      body: { order_number: 'CONV-ORD-1', external_order_id: 'CONV-EXT-1', items: [{ sku_code: 'CONV-SKU-1', quantity: 2 }] },
    });
    expect(order.status).toBe(201);
  }, 60_000);

  afterAll(() => stopAll(platform));

  it('#1 GET orders/ and GET orders (no trailing slash) return the same status and body, and neither is a redirect', async () => {
    const pairs: Array<[string, string]> = [
      ['orders/', 'orders'],
      ['orders/?limit=1', 'orders?limit=1'],
      ['orders/CONV-ORD-1/', 'orders/CONV-ORD-1'],
      ['products/', 'products'],
      ['products/CONV-SKU-1/', 'products/CONV-SKU-1'],
    ];
    for (const [withSlash, without] of pairs) {
      const a = await req('GET', withSlash, { key });
      const b = await req('GET', without, { key });
      expect({ path: without, status: b.status, location: header(b, 'location') }).toEqual({ path: without, status: 200, location: undefined });
      expect({ path: withSlash, status: a.status, location: header(a, 'location') }).toEqual({ path: withSlash, status: 200, location: undefined });
      expect(b.body).toEqual(a.body);
    }
    // Errors behave identically too (body equal apart from request_id).
    const e1 = await req('GET', 'orders/NOPE-1/', { key });
    const e2 = await req('GET', 'orders/NOPE-1', { key });
    expect(e2.status).toBe(404);
    expect({ ...e2.body, request_id: 'x' }).toEqual({ ...e1.body, request_id: 'x' });
  });

  it("#2 the tenant is the single label in front of the base domain in Host; a keyed request whose host names no existing tenant gets 401 AUTHENTICATION_FAILED 'Invalid API key'", async () => {
    // Port suffix, upper case and a trailing dot are normalised away.
    for (const host of ['acme.localhost:8080', 'acme.localhost:1', 'ACME.LocalHost', 'acme.localhost.', 'acme.localhost.:8080']) {
      const ok = await req('GET', 'orders/', { key, host });
      expect({ host, status: ok.status }).toEqual({ host, status: 200 });
      expect(ok.body.data.map((o: { order_number: string }) => o.order_number)).toEqual(['CONV-ORD-1']);
    }
    // The same request with another tenant's host sees that tenant's data only.
    const globex = await req('GET', 'orders/', { key: otherTenantKey, host: 'globex.localhost:8080' });
    expect(globex.status).toBe(200);
    expect(globex.body.data).toEqual([]);

    const noTenantHosts = [
      'ghost.localhost', // slug of no existing tenant
      'ghost.localhost:8080',
      'localhost', // bare base domain
      'localhost:8080',
      'x.acme.localhost', // more than one label
      'acme.example.com', // outside the base domain
      'acme.localhost.example.com',
      '127.0.0.1',
      '-acme.localhost', // not a valid DNS label
    ];
    for (const host of noTenantHosts) {
      const res = await req('GET', 'orders/', { key, host });
      expect({ host, status: res.status, code: res.body?.error?.code, detail: res.body?.detail }).toEqual({
        host,
        status: 401,
        code: 'AUTHENTICATION_FAILED',
        detail: 'Invalid API key',
      });
      expect(res.body).toEqual({
        detail: 'Invalid API key',
        success: false,
        error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid API key' },
        request_id: header(res, 'x-request-id'),
      });
    }
    // Without X-API-Key the host does not matter: 403 NOT_AUTHENTICATED.
    for (const host of ['ghost.localhost', 'localhost', 'acme.localhost']) {
      const res = await req('GET', 'orders/', { host });
      expect({ host, status: res.status, code: res.body?.error?.code }).toEqual({ host, status: 403, code: 'NOT_AUTHENTICATED' });
    }
    // A missing Host header (HTTP/1.0) resolves to no tenant.
    const noHost = await wireRequest(platform.gatewayPort, `GET ${V1}orders/ HTTP/1.0\r\nX-API-Key: ${key}\r\n\r\n`);
    expect({ status: noHost.status, code: noHost.body?.error?.code, detail: noHost.body?.detail }).toEqual({
      status: 401,
      code: 'AUTHENTICATION_FAILED',
      detail: 'Invalid API key',
    });
  });

  it('X-Forwarded-Host is not honoured by default (the Host header selects the tenant)', async () => {
    const spoofed = await req('GET', 'orders/', { key, host: 'ghost.localhost', headers: { 'x-forwarded-host': 'acme.localhost' } });
    expect({ status: spoofed.status, code: spoofed.body?.error?.code }).toEqual({ status: 401, code: 'AUTHENTICATION_FAILED' });
    const real = await req('GET', 'orders/', { key, headers: { 'x-forwarded-host': 'ghost.localhost' } });
    expect(real.status).toBe(200);
  });

  it('#14 every response, including 413 and authentication failures, has an X-Request-ID header', async () => {
    const bigDeclared = await wireRequest(
      platform.gatewayPort,
      `POST ${V1}products/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`,
    );
    const responses: Array<[string, ApiResponse | WireResponse]> = [
      ['200 list', await req('GET', 'orders/', { key })],
      ['200 item', await req('GET', 'products/CONV-SKU-1/', { key })],
      ['201 create', await req('POST', 'products/', { key, body: { sku: 'CONV-RID-1' } })],
      ['200 put', await req('PUT', 'products/CONV-RID-1/', { key, body: { name: 'x' } })],
      ['200 delete', await req('DELETE', 'products/CONV-RID-1/', { key })],
      ['204 options', await req('OPTIONS', 'orders/', { key })],
      ['200 head', await req('HEAD', 'orders/', { key })],
      ['400 validation', await req('POST', 'products/', { key, body: {} })],
      ['401 unknown key', await req('GET', 'orders/', { key: 'sk_live_' + 'A'.repeat(40) })],
      ['401 malformed key', await req('GET', 'orders/', { key: 'nope' })],
      ['401 unknown host', await req('GET', 'orders/', { key, host: 'ghost.localhost' })],
      ['403 no key', await req('GET', 'orders/')],
      ['404 unknown route', await req('GET', 'nothing-here/', { key })],
      ['404 unknown record', await req('GET', 'orders/NOPE/', { key })],
      ['405', await req('PATCH', 'orders/', { key, body: {} })],
      ['415', await req('POST', 'products/', { key, rawBody: 'sku=x', headers: { 'content-type': 'text/plain' } })],
      ['413 declared', bigDeclared],
      ['413 no key', await wireRequest(platform.gatewayPort, `POST ${V1}products/ HTTP/1.1\r\nHost: acme.localhost\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`)],
      ['openapi', await req('GET', 'openapi.json')],
    ];
    const missing = responses.filter(([, r]) => !header(r, 'x-request-id')).map(([name, r]) => `${name} (${r.status})`);
    expect(missing).toEqual([]);
    expect(bigDeclared.status).toBe(413);
    // Generated request IDs are UUIDs, and distinct per request.
    const ids = responses.map(([, r]) => header(r, 'x-request-id'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('#15 a client X-Request-ID matching ^[A-Za-z0-9._:/+=-]{1,128}$ is echoed unchanged; any other value is replaced by a generated UUID', async () => {
    const valid = ['abc', 'A', 'req-2026.04.16_10:00:00/+=-x', 'a'.repeat(128), '9b2f6c1e-8d4a-4f3b-a7e5-1c0d2b3a4f5e', 'Zz09._:/+=-'];
    for (const id of valid) {
      for (const res of [
        await req('GET', 'orders/', { key, headers: { 'x-request-id': id } }),
        await req('GET', 'orders/NOPE/', { key, headers: { 'x-request-id': id } }),
        await req('GET', 'orders/', { headers: { 'x-request-id': id } }),
        await req('GET', 'orders/', { key: 'bad', headers: { 'x-request-id': id } }),
      ]) {
        expect(header(res, 'x-request-id')).toBe(id);
        if (res.status >= 400) expect(res.body.request_id).toBe(id);
      }
    }
    const invalid = ['a'.repeat(129), 'has space', 'semi;colon', 'star*', 'hash#', 'quote"', 'tilde~', 'percent%20', 'ünïcode', 'comma,x'];
    for (const id of invalid) {
      const ok = await req('GET', 'orders/', { key, headers: { 'x-request-id': id } });
      const err = await req('GET', 'orders/NOPE/', { key, headers: { 'x-request-id': id } });
      expect({ id, echoed: header(ok, 'x-request-id') === id }).toEqual({ id, echoed: false });
      expect(header(ok, 'x-request-id')).toMatch(UUID_V4);
      expect(header(err, 'x-request-id')).toMatch(UUID_V4);
      expect(err.body.request_id).toBe(header(err, 'x-request-id'));
    }
    // An empty X-Request-ID is replaced as well (sent on a raw socket: Node's client accepts it, but be explicit).
    const empty = await wireRequest(platform.gatewayPort, `GET ${V1}orders/NOPE/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nX-Request-ID: \r\nConnection: close\r\n\r\n`);
    expect(empty.status).toBe(404);
    expect(empty.headers['x-request-id']).toMatch(UUID_V4);
    expect(empty.body.request_id).toBe(empty.headers['x-request-id']);
  });

  it('#16 every error body has success: false, error.code, error.message and request_id equal to the X-Request-ID header', async () => {
    const cases: Array<[string, ApiResponse | WireResponse, number, string]> = [
      ['400', await req('POST', 'orders/', { key, body: { items: [] } }), 400, 'VALIDATION_ERROR'],
      ['400 service', await req('POST', 'orders/', { key, body: { order_number: 'CONV-SE-1', items: [{ sku_code: 'NO-SUCH-SKU', quantity: 1 }] } }), 400, 'SERVICE_ERROR'],
      ['401', await req('GET', 'orders/', { key: 'sk_live_' + 'b'.repeat(40) }), 401, 'AUTHENTICATION_FAILED'],
      ['403', await req('GET', 'orders/'), 403, 'NOT_AUTHENTICATED'],
      ['404', await req('GET', 'orders/NOPE/', { key }), 404, 'NOT_FOUND'],
      ['404 route', await req('GET', 'nope/', { key }), 404, 'NOT_FOUND'],
      ['405', await req('PUT', 'orders/', { key, body: {} }), 405, 'METHOD_NOT_ALLOWED'],
      ['409', await req('POST', 'products/', { key, body: { sku: 'CONV-SKU-1' } }), 409, 'DUPLICATE'],
      ['415', await req('POST', 'orders/', { key, rawBody: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        '413',
        await wireRequest(platform.gatewayPort, `POST ${V1}orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    for (const [name, res, status, code] of cases) {
      expect({ name, status: res.status, code: res.body?.error?.code }).toEqual({ name, status, code });
      expectError(res, status, code);
      const allowedTop = ['success', 'error', 'request_id', ...(status === 401 || status === 403 ? ['detail'] : [])];
      expect({ name, extra: Object.keys(res.body).filter((k) => !allowedTop.includes(k)) }).toEqual({ name, extra: [] });
      expect({ name, errorKeys: Object.keys(res.body.error).filter((k) => !['code', 'message', 'details'].includes(k)) }).toEqual({ name, errorKeys: [] });
      expect(res.body.error.code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    }
  });

  it('#17 every success body has success: true and data', async () => {
    const created = await req('POST', 'products/', { key, body: { sku: 'CONV-OK-1' } });
    const cases: Array<[string, ApiResponse, number]> = [
      ['list orders', await req('GET', 'orders/', { key }), 200],
      ['list products', await req('GET', 'products/', { key }), 200],
      ['retrieve', await req('GET', 'orders/CONV-EXT-1/', { key }), 200],
      ['create', created, 201],
      ['update', await req('PUT', 'products/CONV-OK-1/', { key, body: { name: 'ok' } }), 200],
      ['update order', await req('PUT', 'orders/CONV-ORD-1/', { key, body: {} }), 200],
      ['delete', await req('DELETE', 'products/CONV-OK-1/', { key }), 200],
    ];
    for (const [name, res, status] of cases) {
      expect({ name, status: res.status, success: res.body?.success, hasData: res.body !== undefined && 'data' in res.body }).toEqual({
        name,
        status,
        success: true,
        hasData: true,
      });
      expect(header(res, 'content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('#18 malformed JSON gets 400 VALIDATION_ERROR ("Malformed JSON: …", non_field_errors); a body whose top level is not an object gets 400 VALIDATION_ERROR', async () => {
    const malformed = ['{"sku": ', '{sku: "x"}', "{'sku': 'x'}", '{"sku": "x",}', 'not json', '{"sku": "x"} trailing', '{"a": NaN}'];
    for (const raw of malformed) {
      const res = await req('POST', 'products/', { key, rawBody: raw, headers: { 'content-type': 'application/json' } });
      const body = expectError(res, 400, 'VALIDATION_ERROR');
      expect({ raw, startsOk: body.error.message.startsWith('Malformed JSON: ') }).toEqual({ raw, startsOk: true });
      expect(body.error.message.length).toBeGreaterThan('Malformed JSON: '.length);
      expect(body.error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
    }
    // Invalid UTF-8 is malformed JSON as well.
    const badUtf8 = Buffer.concat([Buffer.from('{"sku": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const utf = await req('POST', 'products/', { key, rawBody: badUtf8, headers: { 'content-type': 'application/json' } });
    expect(expectError(utf, 400, 'VALIDATION_ERROR').error.message.startsWith('Malformed JSON: ')).toBe(true);
    expect(utf.body.error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
    expect((await req('GET', 'products/', { key })).body.data.map((p: { sku: string }) => p.sku)).not.toContain('x');

    for (const raw of ['[]', '[{"sku": "CONV-ARR-1"}]', '"CONV-STR"', '42', 'null', 'true']) {
      const res = await req('POST', 'products/', { key, rawBody: raw, headers: { 'content-type': 'application/json' } });
      const body = expectError(res, 400, 'VALIDATION_ERROR');
      expect({ raw, details: body.error.details }).toEqual({ raw, details: { non_field_errors: ['Expected a JSON object at the top level.'] } });
    }
    const arrayPut = await req('PUT', 'orders/CONV-ORD-1/', { key, rawBody: '[]', headers: { 'content-type': 'application/json' } });
    expect(expectError(arrayPut, 400, 'VALIDATION_ERROR').error.details).toEqual({ non_field_errors: ['Expected a JSON object at the top level.'] });
  });

  it('JSON nesting deeper than 64 levels is rejected as malformed JSON; 64 levels are accepted', async () => {
    const nested = (depth: number): string => '{"n":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
    // depth counts the top-level object as level 1
    const ok = await req('POST', 'products/', { key, rawBody: `{"sku": "CONV-DEPTH-64", "pad": ${nested(63)}}`, headers: { 'content-type': 'application/json' } });
    expect({ status: ok.status, body: ok.status === 201 ? 'created' : ok.body }).toEqual({ status: 201, body: 'created' });
    const tooDeep = await req('POST', 'products/', { key, rawBody: `{"sku": "CONV-DEPTH-65", "pad": ${nested(64)}}`, headers: { 'content-type': 'application/json' } });
    const body = expectError(tooDeep, 400, 'VALIDATION_ERROR');
    expect(body.error.message).toBe('Malformed JSON: maximum nesting depth of 64 exceeded');
    expect(body.error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
    // arrays count as levels too
    const arrays = await req('POST', 'products/', { key, rawBody: `{"sku": "CONV-DEPTH-ARR", "pad": ${'['.repeat(64)}${']'.repeat(64)}}`, headers: { 'content-type': 'application/json' } });
    expect(expectError(arrays, 400, 'VALIDATION_ERROR').error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
    expect((await req('GET', 'products/CONV-DEPTH-65/', { key })).status).toBe(404);
  });

  it('an empty POST body is treated as {} whatever its Content-Type (and then gets the field validation error)', async () => {
    for (const headers of [{}, { 'content-type': 'application/json' }, { 'content-type': 'text/plain' }] as Array<Record<string, string>>) {
      const res = await req('POST', 'products/', { key, rawBody: '', headers });
      const body = expectError(res, 400, 'VALIDATION_ERROR');
      expect({ headers, details: body.error.details, message: body.error.message }).toEqual({
        headers,
        details: { sku: ['This field is required.'] },
        message: 'sku: This field is required.',
      });
    }
    const order = await req('POST', 'orders/', { key, rawBody: '' });
    const body = expectError(order, 400, 'VALIDATION_ERROR');
    expect(body.error.details).toEqual({ order_number: ['This field is required.'], items: ['This field is required.'] });
    expect(body.error.message).toBe('order_number: This field is required. (and 1 more)');
  });

  it('bodies sent with GET, HEAD or OPTIONS are ignored without being parsed', async () => {
    const get = await req('GET', 'orders/', { key, rawBody: '{not json', headers: { 'content-type': 'text/plain' } });
    expect(get.status).toBe(200);
    const options = await req('OPTIONS', 'orders/', { key, rawBody: '[1,2', headers: { 'content-type': 'text/plain' } });
    expect(options.status).toBe(204);
  });

  it('#19 a body sent with a non-JSON Content-Type gets 415 UNSUPPORTED_MEDIA_TYPE (text/plain, charset=latin-1, Content-Encoding gzip, missing type)', async () => {
    const json = '{"sku": "CONV-415"}';
    const cases: Array<[string, Record<string, string>, string | undefined]> = [
      ['text/plain', { 'content-type': 'text/plain' }, 'text/plain'],
      ['form', { 'content-type': 'application/x-www-form-urlencoded' }, 'application/x-www-form-urlencoded'],
      ['charset=latin-1', { 'content-type': 'application/json; charset=latin-1' }, 'application/json; charset=latin-1'],
      ['charset=iso-8859-1', { 'content-type': 'application/json; charset=iso-8859-1' }, 'application/json; charset=iso-8859-1'],
      ['json-ish', { 'content-type': 'application/jsonx' }, 'application/jsonx'],
      ['gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, undefined],
      ['deflate', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, undefined],
    ];
    for (const [name, headers, contentType] of cases) {
      const res = await req('POST', 'products/', { key, rawBody: json, headers });
      expect({ name, status: res.status, code: res.body?.error?.code }).toEqual({ name, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.error.message).toBe('Request body must be sent as application/json.');
      if (contentType !== undefined) expect(res.body.error.details).toEqual({ content_type: contentType });
    }
    // No Content-Type at all on a non-empty body: details.content_type is the empty string.
    const none = await wireRequest(
      platform.gatewayPort,
      `POST ${V1}products/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
    expectError(none, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(none.body.error.details).toEqual({ content_type: '' });
    expect((await req('GET', 'products/CONV-415/', { key })).status).toBe(404);

    // Accepted variants: parameters with charset utf-8 in any case, and Content-Encoding identity.
    let n = 0;
    for (const headers of [
      { 'content-type': 'application/json; charset=utf-8' },
      { 'content-type': 'application/json; charset=UTF-8' },
      { 'content-type': 'Application/JSON' },
      { 'content-type': 'application/json', 'content-encoding': 'identity' },
    ] as Array<Record<string, string>>) {
      const sku = `CONV-MT-${++n}`;
      const res = await req('POST', 'products/', { key, rawBody: JSON.stringify({ sku }), headers });
      expect({ headers, status: res.status }).toEqual({ headers, status: 201 });
    }
  });

  const expect413 = (res: ApiResponse | WireResponse) => {
    const body = expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(body).toEqual({
      success: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds the limit of 10485760 bytes.', details: { max_bytes: 10485760 } },
      request_id: header(res, 'x-request-id'),
    });
    expect(header(res, 'cache-control')).toBe('no-store');
  };

  it('#20 a body larger than 10,485,760 bytes gets 413 PAYLOAD_TOO_LARGE (a real 10,485,761-byte body with Content-Length, and a chunked body)', async () => {
    // A real body of 10,485,761 bytes, sent with its Content-Length. The client keeps reading while
    // it writes, so the 413 must reach it. Sent several times: a server that closes the connection
    // while the body is still arriving makes the 413 get lost to a TCP reset only some of the time.
    const big = Buffer.alloc(MAX_BODY + 1, 0x20);
    big.write('{"sku": "CONV-BIG-1", "pad": "', 0);
    big.write('"}', MAX_BODY - 1);
    const outcomes: string[] = [];
    let last: WireResponse | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        last = await wireRequest(
          platform.gatewayPort,
          `POST ${V1}products/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`,
          big,
          30_000,
        );
        outcomes.push(`${last.status} ${last.body?.error?.code}`);
      } catch (error) {
        outcomes.push(`no HTTP response (${(error as Error).message.slice(0, 40)})`);
      }
    }
    expect(outcomes).toEqual(Array(10).fill('413 PAYLOAD_TOO_LARGE'));
    expect413(last!);

    // A chunked body is counted while it is read.
    const chunked = await chunkedRequest(platform.gatewayPort, `${V1}products/`, { 'x-api-key': key, 'content-type': 'application/json' }, Buffer.alloc(1024 * 1024, 0x20), 11);
    expect413(chunked);
    expect((await req('GET', 'products/CONV-BIG-1/', { key })).status).toBe(404);
  }, 60_000);

  it('413 is decided on a declared Content-Length before reading the body and before authentication; exactly 10,485,760 bytes is accepted', async () => {
    // Declared Content-Length above the limit: answered without the body being sent.
    for (const extra of ['', `X-API-Key: ${key}\r\n`, 'X-API-Key: sk_live_unknown\r\n']) {
      const res = await wireRequest(
        platform.gatewayPort,
        `POST ${V1}products/ HTTP/1.1\r\nHost: acme.localhost\r\n${extra}Content-Type: application/json\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`,
      );
      expect413(res);
    }
    // Unknown tenant host, no key, no content type: still 413 (step 1 precedes every other check).
    expect413(
      await wireRequest(platform.gatewayPort, `PUT ${V1}orders/X/ HTTP/1.1\r\nHost: ghost.localhost\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n`),
    );

    // Exactly 10,485,760 bytes is within the limit.
    const atLimit = Buffer.alloc(MAX_BODY, 0x20);
    atLimit.write('{"sku": "CONV-BIG-2", "pad": "', 0);
    atLimit.write('"}', MAX_BODY - 2);
    const accepted = await rawRequest(platform.gatewayPort, 'POST', `${V1}products/`, { key, rawBody: atLimit, headers: { 'content-type': 'application/json' } });
    expect({ status: accepted.status, code: accepted.body?.error?.code }).toEqual({ status: 201, code: undefined });
  }, 30_000);

  it('#21 an unknown path under the base path gets 404 NOT_FOUND; an unsupported method on a known route gets 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const unknown = [
      '/api/integrations/v1/',
      '/api/integrations/v1',
      '/api/integrations/',
      '/api/integrations/v2/orders/',
      '/api/integrations/v2/',
      '/api/integrations/v1/Orders/',
      '/api/integrations/v1/ORDERS',
      '/api/integrations/v1/orders//',
      '/api/integrations/v1/orders/CONV-ORD-1/items/',
      '/api/integrations/v1/customers/',
      '/api/integrations/v1/order/',
      '/api/integrations/v1/orders.json',
    ];
    for (const path of unknown) {
      const res = await req('GET', path, { key });
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toBe('The requested endpoint does not exist.');
      expect(res.body.error.details).toBeUndefined();
    }
    // Unknown routes are reported only after authentication.
    const anon = await req('GET', '/api/integrations/v2/orders/');
    expect({ status: anon.status, code: anon.body?.error?.code }).toEqual({ status: 403, code: 'NOT_AUTHENTICATED' });
    const badKey = await req('PATCH', 'orders/', { key: 'sk_live_' + 'c'.repeat(40) });
    expect({ status: badKey.status, code: badKey.body?.error?.code }).toEqual({ status: 401, code: 'AUTHENTICATION_FAILED' });

    const collection = ['GET', 'HEAD', 'OPTIONS', 'POST'];
    const item = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT'];
    const notAllowed: Array<[string, string, string[]]> = [
      ['PATCH', 'orders/', collection],
      ['PUT', 'orders/', collection],
      ['DELETE', 'orders/', collection],
      ['PATCH', 'orders/CONV-ORD-1/', item],
      ['POST', 'orders/CONV-ORD-1/', item],
      ['PATCH', 'products/', collection],
      ['DELETE', 'products', collection],
      ['POST', 'products/CONV-SKU-1', item],
      ['PATCH', 'locations/', collection],
      ['DELETE', 'inventory/A-101/', ['GET', 'HEAD', 'OPTIONS']],
      ['PUT', 'inventory/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['TRACE', 'orders/', collection],
    ];
    for (const [method, path, allowed] of notAllowed) {
      const res = await req(method, path, { key, body: {} });
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({ method, path, status: 405, code: 'METHOD_NOT_ALLOWED' });
      expectError(res, 405, 'METHOD_NOT_ALLOWED');
      expect({ method, path, allow: allowSet(header(res, 'allow')) }).toEqual({ method, path, allow: allowed });
      expect([...res.body.error.details.allowed_methods].sort()).toEqual(allowed);
      expect(Object.keys(res.body.error.details)).toEqual(['allowed_methods']);
      expect(res.body.error.message).toBe(`Method ${method} is not allowed on this endpoint.`);
    }
  });

  it('#22 VALIDATION_ERROR details map field paths (items[0].quantity) to non-empty arrays of strings', async () => {
    const res = await req('POST', 'orders/', { key, body: { items: [{ sku_code: 'CONV-SKU-1', quantity: 0 }, { quantity: 1 }] } });
    const body = expectError(res, 400, 'VALIDATION_ERROR');
    expect(body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'order_number: This field is required. (and 2 more)',
      details: {
        order_number: ['This field is required.'],
        'items[0].quantity': ['Ensure this value is greater than or equal to 1.'],
        'items[1].sku_code': ['This field is required.'],
      },
    });
    expect(Object.keys(body.error.details)).toEqual(['order_number', 'items[0].quantity', 'items[1].sku_code']);

    const other = await req('POST', 'orders/', {
      key,
      body: { order_number: 'CONV-VE-1', customer_info: 'nope', items: [{ sku_code: 'CONV-SKU-1', quantity: 1.5 }, 'x'] },
    });
    const details = expectError(other, 400, 'VALIDATION_ERROR').error.details;
    expect(Object.keys(details).length).toBeGreaterThan(0);
    for (const [path, messages] of Object.entries(details)) {
      expect(path).toMatch(/^(non_field_errors|[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*)$/);
      expect(Array.isArray(messages)).toBe(true);
      expect((messages as unknown[]).length).toBeGreaterThan(0);
      for (const m of messages as unknown[]) expect(typeof m).toBe('string');
    }
    expect(details['items[0].quantity']).toEqual(['A valid integer is required.']);
    expect(details['customer_info']).toEqual(['Expected a JSON object.']);
    expect(details['items[1]']).toBeDefined();
    // Query-parameter errors use the parameter name.
    const bad = await req('GET', 'orders/?status=bogus', { key });
    expect(Object.keys(expectError(bad, 400, 'VALIDATION_ERROR').error.details)).toEqual(['status']);
  });

  it('#23 every datetime in a response is an RFC 3339 UTC string ending in Z', async () => {
    const order = await req('POST', 'orders/', {
      key,
      body: {
        order_number: 'CONV-DT-1',
        order_date: '2026-04-16T12:30:00+02:00',
        due_date: '2026-05-01',
        items: [{ sku_code: 'CONV-SKU-1', quantity: 1 }],
      },
    });
    expect(order.status).toBe(201);
    expect(Date.parse(order.body.data.order_date)).toBe(Date.parse('2026-04-16T10:30:00Z'));
    expect(Date.parse(order.body.data.due_date)).toBe(Date.parse('2026-05-01T00:00:00Z'));
    const put = await req('PUT', 'orders/CONV-DT-1/', { key, body: { due_date: '2026-05-02T08:00:00-0130' } });
    expect(put.status).toBe(200);
    expect(Date.parse(put.body.data.due_date)).toBe(Date.parse('2026-05-02T09:30:00Z'));
    const noOffset = await req('PUT', 'orders/CONV-DT-1/', { key, body: { order_date: '2026-04-17T07:00' } });
    expect(Date.parse(noOffset.body.data.order_date)).toBe(Date.parse('2026-04-17T07:00:00Z'));

    const product = await req('POST', 'products/', { key, body: { sku: 'CONV-DT-SKU' } });
    const responses = [
      order,
      put,
      noOffset,
      product,
      await req('GET', 'orders/', { key }),
      await req('GET', 'orders/CONV-DT-1/', { key }),
      await req('GET', 'products/', { key }),
      await req('DELETE', 'orders/CONV-DT-1/', { key, body: { reason: 'dt' } }),
    ];
    const fields = responses.flatMap((r) => datetimeFields(r.body?.data));
    expect(fields.length).toBeGreaterThan(20);
    const bad = fields.filter(([, v]) => typeof v !== 'string' || !RFC3339_UTC.test(v) || Number.isNaN(Date.parse(v)));
    expect(bad).toEqual([]);
    for (const k of ['created_at', 'updated_at']) expect(product.body.data[k]).toMatch(RFC3339_UTC);
  });

  it('every response carries Cache-Control: no-store, JSON bodies carry Content-Type application/json; charset=utf-8, and no HSTS on localhost', async () => {
    const responses: Array<[string, ApiResponse | WireResponse]> = [
      ['200', await req('GET', 'orders/', { key })],
      ['201', await req('POST', 'products/', { key, body: { sku: 'CONV-CC-1' } })],
      ['204', await req('OPTIONS', 'products/', { key })],
      ['HEAD', await req('HEAD', 'products/', { key })],
      ['400', await req('POST', 'products/', { key, body: {} })],
      ['401', await req('GET', 'orders/', { key: 'x' })],
      ['403', await req('GET', 'orders/')],
      ['404', await req('GET', 'x/', { key })],
      ['405', await req('PATCH', 'orders/', { key })],
      ['415', await req('POST', 'orders/', { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } })],
      ['413', await wireRequest(platform.gatewayPort, `POST ${V1}orders/ HTTP/1.1\r\nHost: acme.localhost\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`)],
    ];
    for (const [name, res] of responses) {
      expect({ name, cacheControl: header(res, 'cache-control'), hsts: header(res, 'strict-transport-security') }).toEqual({
        name,
        cacheControl: 'no-store',
        hsts: undefined,
      });
      // The API sends no CORS headers.
      expect({ name, cors: Object.keys(res.headers).filter((h) => h.startsWith('access-control-')) }).toEqual({ name, cors: [] });
      if (res.text) expect({ name, contentType: header(res, 'content-type') }).toEqual({ name, contentType: 'application/json; charset=utf-8' });
    }
  });

  it('with a base domain other than localhost, every response carries Strict-Transport-Security and tenants resolve under that domain', async () => {
    const gateway = await platform.startReplica('gateway', { env: { BASE_DOMAIN: 'datamingle.test' } });
    const port = gateway.port;
    try {
      const host = 'acme.datamingle.test';
      const responses: Array<[string, ApiResponse | WireResponse, number]> = [
        ['200', await rawRequest(port, 'GET', `${V1}orders/`, { key, host }), 200],
        ['200 with port', await rawRequest(port, 'GET', `${V1}orders/`, { key, host: 'ACME.datamingle.test:443' }), 200],
        ['201', await rawRequest(port, 'POST', `${V1}products/`, { key, host, body: { sku: 'CONV-HSTS-1' } }), 201],
        ['204', await rawRequest(port, 'OPTIONS', `${V1}orders/`, { key, host }), 204],
        ['HEAD', await rawRequest(port, 'HEAD', `${V1}orders/`, { key, host }), 200],
        ['401 localhost host is no tenant now', await rawRequest(port, 'GET', `${V1}orders/`, { key, host: 'acme.localhost' }), 401],
        ['401 unknown tenant', await rawRequest(port, 'GET', `${V1}orders/`, { key, host: 'ghost.datamingle.test' }), 401],
        ['403', await rawRequest(port, 'GET', `${V1}orders/`, { host }), 403],
        ['404', await rawRequest(port, 'GET', `${V1}nothing/`, { key, host }), 404],
        ['413', await wireRequest(port, `POST ${V1}orders/ HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n`), 413],
      ];
      for (const [name, res, status] of responses) {
        expect({ name, status: res.status, hsts: header(res, 'strict-transport-security') }).toEqual({
          name,
          status,
          hsts: 'max-age=31536000; includeSubDomains',
        });
      }
    } finally {
      await gateway.kill('SIGTERM');
    }
  }, 45_000);

  it('HEAD behaves like GET (same status and headers) but has no body', async () => {
    for (const path of ['orders/', 'orders/CONV-ORD-1/', 'products/CONV-SKU-1/', 'orders/NOPE/', 'nothing/']) {
      const get = await req('GET', path, { key });
      const head = await req('HEAD', path, { key });
      expect({ path, status: head.status, text: head.text }).toEqual({ path, status: get.status, text: '' });
      expect(header(head, 'content-type')).toBe(header(get, 'content-type'));
      expect(header(head, 'cache-control')).toBe('no-store');
      expect(header(head, 'x-request-id')).toBeTruthy();
    }
    const anon = await req('HEAD', 'orders/');
    expect({ status: anon.status, text: anon.text }).toEqual({ status: 403, text: '' });
    // On the wire: no body bytes after the headers.
    const wire = await wireRequest(platform.gatewayPort, `HEAD ${V1}orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nConnection: close\r\n\r\n`);
    expect({ status: wire.status, text: wire.text }).toEqual({ status: 200, text: '' });
  });

  it('OPTIONS on a known route returns 204 with an Allow header and no body', async () => {
    const cases: Array<[string, string[]]> = [
      ['orders/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['orders', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['orders/CONV-ORD-1/', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']],
      ['orders/DOES-NOT-EXIST/', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']],
      ['products/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['products/CONV-SKU-1/', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']],
      ['locations/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['inventory/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
      ['inventory/A-101/', ['GET', 'HEAD', 'OPTIONS']],
    ];
    for (const [path, allowed] of cases) {
      const res = await req('OPTIONS', path, { key });
      expect({ path, status: res.status, text: res.text, allow: allowSet(header(res, 'allow')) }).toEqual({ path, status: 204, text: '', allow: allowed });
      expect(header(res, 'x-request-id')).toBeTruthy();
    }
    const unknown = await req('OPTIONS', 'nothing/', { key });
    expect({ status: unknown.status, code: unknown.body?.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('identifiers: %2F is part of the identifier, the identifier is decoded once, + is literal, undecodable segments are 404 NOT_FOUND', async () => {
    const skus = ['CONV/SLASH-01', 'CONV A 101', 'CONV#7', 'Çanta-01', 'CONV+PLUS', 'CONV%41'];
    for (const sku of skus) expect((await req('POST', 'products/', { key, body: { sku } })).status).toBe(201);
    const ok: Array<[string, string]> = [
      ['products/CONV%2FSLASH-01/', 'CONV/SLASH-01'],
      ['products/CONV%2fSLASH-01', 'CONV/SLASH-01'],
      ['products/CONV%20A%20101/', 'CONV A 101'],
      ['products/CONV%237/', 'CONV#7'],
      ['products/%C3%87anta-01/', 'Çanta-01'],
      ['products/CONV+PLUS/', 'CONV+PLUS'],
      ['products/CONV%2541/', 'CONV%41'], // decoded exactly once
    ];
    for (const [path, sku] of ok) {
      const res = await req('GET', path, { key });
      expect({ path, status: res.status, sku: res.body?.data?.sku }).toEqual({ path, status: 200, sku });
      // Non-ASCII characters are emitted as UTF-8, not \u-escaped.
      expect(res.text).toContain(JSON.stringify(sku));
    }
    // The unencoded slash is a separator → extra segment → unknown route.
    const split = await req('GET', 'products/CONV/SLASH-01/', { key });
    expect({ status: split.status, message: split.body?.error?.message }).toEqual({ status: 404, message: 'The requested endpoint does not exist.' });
    // Decoded once: CONV%2541 must not find "CONV%41"→"CONVA"; and "CONV%41" itself decodes to CONVA (unknown).
    const once = await req('GET', 'products/CONV%41/', { key });
    expect({ status: once.status, message: once.body?.error?.message }).toEqual({ status: 404, message: "Product 'CONVA' not found." });
    for (const [path, shown] of [
      ['products/%ZZ/', '%ZZ'],
      ['products/CONV%A/', 'CONV%A'],
      ['products/CONV%/', 'CONV%'],
      ['products/%ED%A0%80/', '%ED%A0%80'],
      ['products/CONV%00/', undefined],
      ['orders/%ZZ/', '%ZZ'],
    ] as Array<[string, string | undefined]>) {
      const res = await req('GET', path, { key });
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
      if (shown !== undefined) expect(res.body.error.message).toBe(`${path.startsWith('orders') ? 'Order' : 'Product'} '${shown}' not found.`);
      expect(res.body.error.message).not.toBe('The requested endpoint does not exist.');
    }
  });

  it('query strings never influence routing, unknown query parameters are ignored, and Idempotency-Key is ignored', async () => {
    const plain = await req('GET', 'orders/', { key });
    const withJunk = await req('GET', 'orders/?foo=bar&format=xml', { key, headers: { 'idempotency-key': 'abc', accept: 'text/html' } });
    expect(withJunk.status).toBe(200);
    expect(withJunk.body).toEqual(plain.body);
    expect(header(withJunk, 'content-type')).toBe('application/json; charset=utf-8');
    const put = await req('PUT', 'orders/CONV-ORD-1/?status=bogus&cursor=bad', { key, body: {} });
    expect(put.status).toBe(200);
  });

  it('null handling and unknown/read-only fields: unknown fields are ignored, read-only fields are ignored on create', async () => {
    const res = await req('POST', 'products/', {
      key,
      body: { sku: '  CONV-RO-1  ', id: '00000000-0000-4000-8000-000000000000', created_at: '2000-01-01T00:00:00Z', bogus_field: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.sku).toBe('CONV-RO-1');
    expect(res.body.data.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(res.body.data.created_at.startsWith('2000')).toBe(false);
    expect(res.body.data).not.toHaveProperty('bogus_field');
    const nul = await req('POST', 'products/', { key, body: { sku: null } });
    expect(expectError(nul, 400, 'VALIDATION_ERROR').error.details).toEqual({ sku: ['This field may not be null.'] });
    const blank = await req('POST', 'products/', { key, body: { sku: '   ' } });
    expect(expectError(blank, 400, 'VALIDATION_ERROR').error.details).toEqual({ sku: ['This field may not be blank.'] });
  });
});
