/**
 * Black-box conformance tests for spec/README.md checklist items 39–42 (cursor pagination) and
 * the sub-rules of pagination.md they summarise: limit clamping, the pagination object, ordering
 * by (created_at, id) descending, keyset stability while records are inserted mid-walk, and the
 * invalid-cursor error. Everything goes through the real gateway, services and PostgreSQL.
 *
 * The contract is exercised on every list endpoint: GET orders/, GET products/, GET locations/,
 * GET inventory/ and GET inventory/{identifier}/ (both `by=location` and `by=sku`). Inventory
 * records carry no created_at in their representation, so their ordering is checked against the
 * order in which the records were created (one record per request).
 */
import { startTestPlatform, type ApiRequestOptions, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { stopAll } from './testing-support/e2e-setup';

const V1 = '/api/integrations/v1/';
type Row = { id: string; created_at: string; [k: string]: unknown };

/** created_at as an integer number of microseconds since the epoch (exact, unlike Date). */
function micros(datetime: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(datetime);
  if (!m) throw new Error(`not an RFC 3339 UTC datetime: ${datetime}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

/** Violations of the (created_at, id) descending order in a list of records. */
function orderViolations(rows: Row[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    const ta = micros(a.created_at);
    const tb = micros(b.created_at);
    if (ta < tb) out.push(`#${i}: ${a.created_at} before ${b.created_at}`);
    // ids decide only between equal timestamps; that is observable only at full (microsecond) precision
    const fullPrecision = /\.\d{6}Z$/.test(a.created_at) && /\.\d{6}Z$/.test(b.created_at);
    if (ta === tb && fullPrecision && a.id < b.id) out.push(`#${i}: equal created_at ${a.created_at}, id ${a.id} before ${b.id}`);
  }
  return out;
}

const base64url = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('conformance: pagination (items 39–42)', () => {
  let platform: TestPlatform;
  const keys: Record<string, string> = {};
  const req = (tenant: string, method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> =>
    platform.request(method, path.startsWith('/') ? path : V1 + path, { key: keys[tenant], host: `${tenant}.localhost`, ...options });

  /** Follows next_cursor until null; `between` runs after each page (to mutate data mid-walk). */
  async function walk(tenant: string, resource: string, limit: number, between?: (page: number) => Promise<void>) {
    const pages: Row[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const query: string = `limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const res = await req(tenant, 'GET', `${resource}/?${query}`);
      expect({ page, status: res.status }).toEqual({ page, status: 200 });
      expect(res.body.pagination.limit).toBe(limit);
      expect(res.body.data.length).toBeLessThanOrEqual(limit);
      pages.push(res.body.data);
      cursor = res.body.pagination.next_cursor;
      if (cursor === null) break;
      expect(typeof cursor).toBe('string');
      expect(res.body.data.length).toBe(limit); // a page with a successor is full
      if (between) await between(page);
    }
    expect(cursor).toBeNull();
    return pages;
  }

  const createProducts = async (tenant: string, prefix: string, n: number): Promise<Row[]> => {
    const rows: Row[] = [];
    for (let i = 0; i < n; i++) {
      const res = await req(tenant, 'POST', 'products/', { body: { sku: `${prefix}-${String(i).padStart(3, '0')}` } });
      expect(res.status).toBe(201);
      rows.push(res.body.data);
    }
    return rows;
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    const tenants = ['empty', 'limits', 'walk', 'walkorders', 'exact', 'cursors', 'deact', 'locinv', 'locwalk', 'invwalk'];
    await Promise.all(tenants.map((t) => platform.createTenant(t)));
    const created = await Promise.all(tenants.map((t) => platform.createKey(t, { name: `pagination ${t}` })));
    tenants.forEach((t, i) => (keys[t] = created[i]!.key));
  }, 60_000);

  afterAll(() => stopAll(platform));

  it('#39 every list response contains pagination with exactly limit and next_cursor, also when data is empty', async () => {
    for (const resource of ['orders', 'products']) {
      for (const path of [`${resource}/`, resource]) {
        const res = await req('empty', 'GET', path);
        expect({ path, status: res.status, body: res.body }).toEqual({
          path,
          status: 200,
          body: { success: true, data: [], pagination: { limit: 50, next_cursor: null } },
        });
      }
      const limited = await req('empty', 'GET', `${resource}/?limit=5`);
      expect(limited.body).toEqual({ success: true, data: [], pagination: { limit: 5, next_cursor: null } });
    }
    // Empty because of a filter.
    const filtered = await req('empty', 'GET', 'orders/?status=cancelled');
    expect(filtered.body).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });

    // Non-empty lists: the same shape, no extra keys (total, count, has_more, previous …).
    await createProducts('limits', 'LIM', 5);
    expect((await req('limits', 'POST', 'orders/', { body: { order_number: 'LIM-ORD', items: [{ sku_code: 'LIM-000', quantity: 1 }] } })).status).toBe(201);
    for (const path of ['orders/', 'products/', 'products/?limit=2', 'orders/?status=pending']) {
      const res = await req('limits', 'GET', path);
      expect({ path, status: res.status, top: Object.keys(res.body).sort(), pagination: Object.keys(res.body.pagination).sort() }).toEqual({
        path,
        status: 200,
        top: ['data', 'pagination', 'success'],
        pagination: ['limit', 'next_cursor'],
      });
      expect(Array.isArray(res.body.data)).toBe(true);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(Number.isInteger(res.body.pagination.limit)).toBe(true);
      expect(res.body.pagination.next_cursor === null || typeof res.body.pagination.next_cursor === 'string').toBe(true);
    }
  });

  it('#40 limit=0 yields pagination.limit 1, limit=500 yields 200, limit=abc yields 50', async () => {
    // 'limits' holds 5 products (created in #39); create them here if this test runs alone.
    if ((await req('limits', 'GET', 'products/')).body.data.length === 0) await createProducts('limits', 'LIM', 5);
    const cases: Array<[string, number]> = [
      ['limit=0', 1],
      ['limit=500', 200],
      ['limit=abc', 50],
    ];
    for (const [query, effective] of cases) {
      const res = await req('limits', 'GET', `products/?${query}`);
      expect({ query, status: res.status, limit: res.body?.pagination?.limit }).toEqual({ query, status: 200, limit: effective });
      expect(res.body.data.length).toBe(Math.min(effective, 5));
    }
  });

  it('limit clamping and parsing: only ^-?[0-9]+$ is parsed (after URL decoding), clamped to 1..200, anything else means 50, never an error', async () => {
    const cases: Array<[string, number]> = [
      ['limit=1', 1],
      ['limit=3', 3],
      ['limit=200', 200],
      ['limit=201', 200],
      ['limit=-5', 1],
      ['limit=-1', 1],
      ['limit=-0', 1],
      ['limit=007', 7],
      ['limit=99999999999999999999999999', 200],
      ['limit=-99999999999999999999999999', 1],
      ['limit=%35', 5],
      ['limit=%2D5', 1],
      ['limit=10.5', 50],
      ['limit=%2B5', 50],
      ['limit=+5', 50],
      ['limit=%205', 50],
      ['limit=5%20', 50],
      ['limit=5abc', 50],
      ['limit=1e2', 50],
      ['limit=0x10', 50],
      ['limit=', 50],
      ['limit', 50],
      ['limit=%', 50],
      ['limit=%E2%91%A4', 50], // a non-ASCII digit
      ['LIMIT=3', 50], // parameter names are case-sensitive; unknown parameters are ignored
      ['limit=3&limit=7', 3], // the first occurrence wins
      ['limit=abc&limit=7', 50],
      ['foo=bar&limit=4', 4],
    ];
    const actual: string[] = [];
    const expected: string[] = [];
    for (const [query, effective] of cases) {
      const res = await req('limits', 'GET', `products/?${query}`);
      expected.push(`${query} -> 200 limit=${effective} rows=${Math.min(effective, 5)}`);
      actual.push(`${query} -> ${res.status} limit=${res.body?.pagination?.limit} rows=${res.body?.data?.length}`);
    }
    expect(actual).toEqual(expected);
  });

  it('#41 lists are ordered by (created_at, id) descending, and following next_cursor until null returns every record exactly once, while records are inserted mid-walk', async () => {
    const original = await createProducts('walk', 'WALK', 25);
    // Newest first: the reverse of the creation order.
    const first = await req('walk', 'GET', 'products/?limit=200');
    expect(first.body.data.map((r: Row) => r.sku)).toEqual([...original].reverse().map((r) => r.sku));
    expect(orderViolations(first.body.data)).toEqual([]);

    let inserted = 0;
    const pages = await walk('walk', 'products', 7, async (page) => {
      // Insert two new records (in parallel) between pages.
      await Promise.all([0, 1].map(() => req('walk', 'POST', 'products/', { body: { sku: `WALK-NEW-${page}-${inserted++}` } })));
    });
    const seen = pages.flat();
    const ids = seen.map((r) => r.id);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect(ids.length).toBe(new Set(ids).size); // no duplicates across pages
    // Every original record exactly once; records created after the first page do not appear.
    expect([...ids].sort()).toEqual(original.map((r) => r.id).sort());
    expect(seen.map((r) => r.sku)).toEqual([...original].reverse().map((r) => r.sku));
    expect(orderViolations(seen)).toEqual([]);
    expect(inserted).toBe(6);

    // A fresh walk sees the new records first, then the old ones; still each exactly once.
    const again = (await walk('walk', 'products', 4)).flat();
    expect(again.length).toBe(31);
    expect(new Set(again.map((r) => r.id)).size).toBe(31);
    expect(again.slice(0, 6).every((r) => String(r['sku']).startsWith('WALK-NEW-'))).toBe(true);
    expect(orderViolations(again)).toEqual([]);
  });

  it('cursor walk over orders: every order exactly once, newest first, with orders created mid-walk', async () => {
    expect((await req('walkorders', 'POST', 'products/', { body: { sku: 'WO-SKU' } })).status).toBe(201);
    const original: Row[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await req('walkorders', 'POST', 'orders/', { body: { order_number: `WO-${String(i).padStart(2, '0')}`, items: [{ sku_code: 'WO-SKU', quantity: 1 }] } });
      expect(res.status).toBe(201);
      original.push(res.body.data);
    }
    let n = 0;
    const pages = await walk('walkorders', 'orders', 5, async () => {
      const res = await req('walkorders', 'POST', 'orders/', { body: { order_number: `WO-NEW-${n++}`, items: [{ sku_code: 'WO-SKU', quantity: 1 }] } });
      expect(res.status).toBe(201);
    });
    const seen = pages.flat();
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(seen.map((r) => r['order_number'])).toEqual([...original].reverse().map((r) => r['order_number']));
    expect(new Set(seen.map((r) => r.id)).size).toBe(12);
    expect(orderViolations(seen)).toEqual([]);
  });

  it('next_cursor is non-null if and only if more records exist: a full last page has next_cursor null', async () => {
    await createProducts('exact', 'EX', 4);
    const all = (await req('exact', 'GET', 'products/')).body.data.map((r: { sku: string }) => r.sku);
    expect(all).toEqual(['EX-003', 'EX-002', 'EX-001', 'EX-000']);

    const four = await req('exact', 'GET', 'products/?limit=4');
    expect(four.body.data.length).toBe(4);
    expect(four.body.pagination).toEqual({ limit: 4, next_cursor: null });
    expect((await req('exact', 'GET', 'products/?limit=5')).body.pagination).toEqual({ limit: 5, next_cursor: null });

    const p1 = await req('exact', 'GET', 'products/?limit=2');
    expect(p1.body.data.map((r: { sku: string }) => r.sku)).toEqual(['EX-003', 'EX-002']);
    expect(typeof p1.body.pagination.next_cursor).toBe('string');
    const p2 = await req('exact', 'GET', `products/?limit=2&cursor=${encodeURIComponent(p1.body.pagination.next_cursor)}`);
    expect(p2.body.data.map((r: { sku: string }) => r.sku)).toEqual(['EX-001', 'EX-000']);
    expect(p2.body.pagination).toEqual({ limit: 2, next_cursor: null });

    const q1 = await req('exact', 'GET', 'products/?limit=3');
    expect(q1.body.data.length).toBe(3);
    const q2 = await req('exact', 'GET', `products/?limit=3&cursor=${encodeURIComponent(q1.body.pagination.next_cursor)}`);
    expect(q2.body.data.map((r: { sku: string }) => r.sku)).toEqual(['EX-000']);
    expect(q2.body.pagination.next_cursor).toBeNull();

    // Cursors do not depend on the page size and can be reused (they do not expire or get consumed).
    const again = await req('exact', 'GET', `products/?limit=1&cursor=${encodeURIComponent(p1.body.pagination.next_cursor)}`);
    expect(again.body.data.map((r: { sku: string }) => r.sku)).toEqual(['EX-001']);
    // An empty cursor means the first page.
    expect((await req('exact', 'GET', 'products/?limit=2&cursor=')).body.data.map((r: { sku: string }) => r.sku)).toEqual(['EX-003', 'EX-002']);
  });

  it('a record that stops matching the list (deactivated product) does not appear on later pages of a walk', async () => {
    const rows = await createProducts('deact', 'DEACT', 6);
    const p1 = await req('deact', 'GET', 'products/?limit=3');
    expect(p1.body.data.map((r: Row) => r['sku'])).toEqual(['DEACT-005', 'DEACT-004', 'DEACT-003']);
    expect((await req('deact', 'DELETE', 'products/DEACT-001/')).status).toBe(200);
    const p2 = await req('deact', 'GET', `products/?limit=3&cursor=${encodeURIComponent(p1.body.pagination.next_cursor)}`);
    expect(p2.body.data.map((r: Row) => r['sku'])).toEqual(['DEACT-002', 'DEACT-000']);
    expect(p2.body.pagination.next_cursor).toBeNull();
    expect(rows.length).toBe(6);
  });

  it("#42 an invalid cursor gets 400 VALIDATION_ERROR with message exactly Invalid cursor: '<value>'", async () => {
    const res = await req('cursors', 'GET', 'orders/?cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
      request_id: res.headers['x-request-id'],
    });
    for (const resource of ['products', 'orders']) {
      const r = await req('cursors', 'GET', `${resource}/?limit=5&cursor=abc`);
      expect({ resource, status: r.status, message: r.body?.error?.message, details: r.body?.error?.details }).toEqual({
        resource,
        status: 400,
        message: "Invalid cursor: 'abc'",
        details: { cursor: ['Invalid cursor.'] },
      });
    }
  });

  it('invalid cursors: the value is URL-decoded and cut to its first 200 characters; structurally wrong cursors are rejected', async () => {
    const cases: Array<[string, string]> = [
      ['x'.repeat(300), 'x'.repeat(200)],
      ['y'.repeat(200), 'y'.repeat(200)],
      ['abc%20def%21', 'abc def!'],
      ['a%2Bb', 'a+b'],
      [encodeURIComponent('é'.repeat(250)), 'é'.repeat(200)],
      [encodeURIComponent("it's"), "it's"],
      [base64url('{"c":"not a date","i":"00000000-0000-4000-8000-000000000000"}'), ''],
      [base64url('{"c":"2026-04-16T10:05:00.123456Z","i":"not-a-uuid"}'), ''],
      [base64url('{"c":"2026-04-16T10:05:00.123456Z"}'), ''],
      [base64url('{"c":"2026-04-16T10:05:00.123456Z","i":"00000000-0000-4000-8000-000000000000","x":1}'), ''],
      [base64url('{"c":1,"i":"00000000-0000-4000-8000-000000000000"}'), ''],
      [base64url('["2026-04-16T10:05:00.123456Z","00000000-0000-4000-8000-000000000000"]'), ''],
      [base64url('not json at all'), ''],
      // a well-formed cursor padded beyond 512 characters
      [base64url(`{"c":"2026-04-16T10:05:00.123456Z","i":"00000000-0000-4000-8000-000000000000"${' '.repeat(400)}}`), ''],
    ];
    for (const [raw, shown] of cases) {
      const decoded = decodeURIComponent(raw);
      const expectedShown = shown || [...decoded].slice(0, 200).join('');
      const res = await req('cursors', 'GET', `products/?cursor=${raw}`);
      expect({ raw: raw.slice(0, 60), status: res.status, code: res.body?.error?.code, message: res.body?.error?.message }).toEqual({
        raw: raw.slice(0, 60),
        status: 400,
        code: 'VALIDATION_ERROR',
        message: `Invalid cursor: '${expectedShown}'`,
      });
      expect(res.body.error.details).toEqual({ cursor: ['Invalid cursor.'] });
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    }
  });

  it('valid cursors: a well-formed cursor pointing nowhere is accepted, and a cursor from another list endpoint is accepted', async () => {
    await createProducts('cursors', 'CUR', 3);
    const future = base64url('{"c":"2999-01-01T00:00:00.000000Z","i":"ffffffff-ffff-4fff-bfff-ffffffffffff"}');
    const all = await req('cursors', 'GET', `products/?cursor=${future}`);
    expect({ status: all.status, skus: all.body?.data?.map((r: Row) => r['sku']) }).toEqual({ status: 200, skus: ['CUR-002', 'CUR-001', 'CUR-000'] });
    const past = base64url('{"c":"2000-01-01T00:00:00.000000Z","i":"00000000-0000-4000-8000-000000000000"}');
    const none = await req('cursors', 'GET', `products/?cursor=${past}`);
    expect({ status: none.status, body: none.body }).toEqual({ status: 200, body: { success: true, data: [], pagination: { limit: 50, next_cursor: null } } });

    const p1 = await req('cursors', 'GET', 'products/?limit=1');
    const cursor = p1.body.pagination.next_cursor as string;
    expect(typeof cursor).toBe('string');
    const onOrders = await req('cursors', 'GET', `orders/?cursor=${encodeURIComponent(cursor)}`);
    expect({ status: onOrders.status, pagination: onOrders.body?.pagination }).toEqual({ status: 200, pagination: { limit: 50, next_cursor: null } });
    // Query parameters are validated only after the key and its scope are checked.
    const anon = await platform.request('GET', `${V1}products/?cursor=bad`, { host: 'cursors.localhost' });
    expect({ status: anon.status, code: anon.body?.error?.code }).toEqual({ status: 403, code: 'NOT_AUTHENTICATED' });
  });

  describe('location and inventory lists', () => {
    const empty = { success: true, data: [], pagination: { limit: 50, next_cursor: null } };
    const bulk = async (tenant: string, rows: Array<[string, string, number]>) => {
      const res = await req(tenant, 'POST', 'inventory/', { body: { inventory: rows.map(([location_code, sku_code, quantity]) => ({ location_code, sku_code, quantity })) } });
      expect({ status: res.status, failed: res.body?.data?.failed }).toEqual({ status: 200, failed: 0 });
    };
    const create = async (tenant: string, resource: 'locations' | 'products', ids: string[]) => {
      for (const id of ids) {
        const res = await req(tenant, 'POST', `${resource}/`, { body: resource === 'locations' ? { code: id } : { sku: id } });
        expect({ id, status: res.status }).toEqual({ id, status: 201 });
      }
    };

    it('#39 GET locations/, GET inventory/ and GET inventory/{identifier}/ (both modes) contain pagination with exactly limit and next_cursor, also when data is empty', async () => {
      for (const path of ['locations/', 'locations', 'inventory/', 'inventory']) {
        const res = await req('locinv', 'GET', path);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 200, body: empty });
      }
      await create('locinv', 'locations', ['LI-EMPTY', 'LI-1']);
      await create('locinv', 'products', ['LI-SKU-EMPTY', 'LI-SKU-1', 'LI-SKU-2']);
      for (const path of ['inventory/LI-EMPTY/', 'inventory/LI-EMPTY/?by=location', 'inventory/LI-SKU-EMPTY/?by=sku']) {
        const res = await req('locinv', 'GET', path);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 200, body: empty });
      }
      await bulk('locinv', [['LI-1', 'LI-SKU-1', 1], ['LI-1', 'LI-SKU-2', 0]]);
      // Non-empty lists: the same shape, no extra keys.
      for (const path of ['locations/', 'locations/?limit=1', 'inventory/', 'inventory/?limit=1', 'inventory/LI-1/', 'inventory/LI-1/?limit=1', 'inventory/LI-SKU-1/?by=sku']) {
        const res = await req('locinv', 'GET', path);
        expect({ path, status: res.status, top: Object.keys(res.body).sort(), pagination: Object.keys(res.body.pagination).sort() }).toEqual({
          path,
          status: 200,
          top: ['data', 'pagination', 'success'],
          pagination: ['limit', 'next_cursor'],
        });
        expect(res.body.data.length).toBeGreaterThan(0);
        const more = path.includes('limit=1') && !path.includes('by=sku');
        expect({ path, cursorType: typeof res.body.pagination.next_cursor }).toEqual({ path, cursorType: more ? 'string' : 'object' });
      }
    });

    it('#40 limit=0 yields pagination.limit 1, limit=500 yields 200, limit=abc yields 50 on the location and inventory lists', async () => {
      if ((await req('locinv', 'GET', 'inventory/')).body.data.length === 0) {
        await create('locinv', 'locations', ['LI-1']);
        await create('locinv', 'products', ['LI-SKU-1', 'LI-SKU-2']);
        await bulk('locinv', [['LI-1', 'LI-SKU-1', 1], ['LI-1', 'LI-SKU-2', 0]]);
      }
      const actual: string[] = [];
      const expected: string[] = [];
      for (const path of ['locations/', 'inventory/', 'inventory/LI-1/', 'inventory/LI-SKU-1/?by=sku']) {
        for (const [query, effective] of [
          ['limit=0', 1],
          ['limit=500', 200],
          ['limit=abc', 50],
          ['limit=-3', 1],
          ['limit=1.5', 50],
          ['limit=1', 1],
        ] as Array<[string, number]>) {
          const url = `${path}${path.includes('?') ? '&' : '?'}${query}`;
          const res = await req('locinv', 'GET', url);
          expected.push(`${url} -> 200 limit=${effective}`);
          actual.push(`${url} -> ${res.status} limit=${res.body?.pagination?.limit}`);
          if (res.status === 200) expect(res.body.data.length).toBeLessThanOrEqual(effective);
        }
      }
      expect(actual).toEqual(expected);
    });

    it('#41 GET locations/ is ordered by (created_at, id) descending; following next_cursor returns every active location exactly once, while locations are created and deactivated mid-walk', async () => {
      const original: Row[] = [];
      for (let i = 0; i < 14; i++) {
        const res = await req('locwalk', 'POST', 'locations/', { body: { code: `LW-${String(i).padStart(2, '0')}` } });
        expect(res.status).toBe(201);
        original.push(res.body.data);
      }
      let n = 0;
      const pages = await walk('locwalk', 'locations', 4, async (page) => {
        const res = await req('locwalk', 'POST', 'locations/', { body: { code: `LW-NEW-${n++}` } });
        expect(res.status).toBe(201);
        // Deactivate a location that has not been reached yet (LW-01 after the first page).
        if (page === 0) expect((await req('locwalk', 'DELETE', 'locations/LW-01/')).status).toBe(200);
      });
      const seen = pages.flat();
      const expectedCodes = [...original].reverse().map((r) => r['code']).filter((c) => c !== 'LW-01');
      expect(seen.map((r) => r['code'])).toEqual(expectedCodes);
      expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
      expect(orderViolations(seen)).toEqual([]);
      // A fresh walk: the new locations first, each active location exactly once.
      const again = (await walk('locwalk', 'locations', 5)).flat();
      expect(again.map((r) => r['code'])).toEqual([...Array.from({ length: n }, (_, i) => `LW-NEW-${n - 1 - i}`), ...expectedCodes]);
      expect(orderViolations(again)).toEqual([]);
    });

    it('#41 GET inventory/ and GET inventory/{identifier}/ are ordered by the records\u2019 creation (newest first); following next_cursor returns every record exactly once, while records are created and updated mid-walk', async () => {
      await create('invwalk', 'locations', ['IW-A', 'IW-B']);
      const skus = Array.from({ length: 10 }, (_, i) => `IW-SKU-${i}`);
      await create('invwalk', 'products', [...skus, 'IW-SKU-NEW']);
      // One record per request, so creation order is observable: IW-A/IW-SKU-0, IW-B/IW-SKU-0, IW-A/IW-SKU-1, ...
      const created: string[] = [];
      for (const sku of skus) {
        for (const loc of ['IW-A', 'IW-B']) {
          await bulk('invwalk', [[loc, sku, 1]]);
          created.push(`${loc}/${sku}`);
        }
      }
      const key = (r: Row) => `${r['location_code']}/${r['sku_code']}`;
      const newestFirst = [...created].reverse();

      let extra = 0;
      const pages = await walk('invwalk', 'inventory', 6, async (page) => {
        // A new record (newer than everything seen) and an update of an old record between pages.
        await bulk('invwalk', [[extra++ % 2 === 0 ? 'IW-A' : 'IW-B', 'IW-SKU-NEW', 5], ['IW-A', 'IW-SKU-0', 100 + page]]);
      });
      expect(pages.map((p) => p.length)).toEqual([6, 6, 6, 2]);
      expect(pages.flat().map(key)).toEqual(newestFirst);

      const all = (await walk('invwalk', 'inventory', 7)).flat().map(key);
      expect(all).toEqual(['IW-B/IW-SKU-NEW', 'IW-A/IW-SKU-NEW', ...newestFirst]);
      expect(new Set(all).size).toBe(all.length);
      // The item route in both modes.
      const byLocation = (await walk('invwalk', 'inventory/IW-A', 3)).flat().map(key);
      expect(byLocation).toEqual(['IW-A/IW-SKU-NEW', ...newestFirst.filter((k) => k.startsWith('IW-A/'))]);
      const bySku: Row[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse = await req('invwalk', 'GET', `inventory/IW-SKU-3/?by=sku&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        bySku.push(...res.body.data);
        cursor = res.body.pagination.next_cursor;
      } while (cursor);
      expect(bySku.map(key)).toEqual(['IW-B/IW-SKU-3', 'IW-A/IW-SKU-3']);
    });

    it("#42 an invalid cursor gets 400 VALIDATION_ERROR with message exactly Invalid cursor: '<value>' on the location and inventory lists", async () => {
      for (const path of ['locations/', 'inventory/', 'inventory/ANY-LOC/', 'inventory/ANY-SKU/?by=sku']) {
        const url = `${path}${path.includes('?') ? '&' : '?'}cursor=not-a-cursor`;
        const res = await req('cursors', 'GET', url);
        expect({ url, status: res.status, error: res.body?.error }).toEqual({
          url,
          status: 400,
          error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
        });
      }
    });
  });
});
