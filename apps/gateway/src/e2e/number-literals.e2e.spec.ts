import type { ApiResponse, TestPlatform } from '@datamingle/testing';
import { startWithKey, stopAll } from './testing-support/e2e-setup';

/**
 * Number literals a double cannot carry (issue 9, finding 5), through the real gateway and
 * services, for a small body and for a body above 1 MiB alike (one parser for every size): a
 * literal outside the range of a double (`1e400`) is a 400 and changes nothing; an integer
 * literal given for a string field is kept digit for digit (`12345678901234567`,
 * `9007199254740993`); an integer field never accepts a rounded value. Bodies are sent as raw
 * text: JSON.stringify cannot write such literals.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

const BASE = '/api/integrations/v1';

describe('number literals', () => {
  let platform: TestPlatform;
  let key: string;

  const send = (method: string, path: string, json: string): Promise<ApiResponse> =>
    platform.request(method, `${BASE}/${path}`, { key, rawBody: json, headers: { 'content-type': 'application/json' } });
  const get = (path: string): Promise<ApiResponse> => platform.request('GET', `${BASE}/${path}`, { key });
  const created = async (method: string, path: string, json: string): Promise<any> => {
    const res = await send(method, path, json);
    if (res.status !== 201) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };

  beforeAll(async () => {
    ({ platform, key } = await startWithKey());
    // Two products whose SKUs a double cannot tell apart: 12345678901234567 rounds to 12345678901234568.
    await created('POST', 'products/', '{"sku": "12345678901234567"}');
    await created('POST', 'products/', '{"sku": "12345678901234568"}');
  }, 60_000);

  afterAll(() => stopAll(platform));

  describe.each([
    ['a small body', 'S', (json: string) => json],
    // An unknown field holding a long string takes the body above 1 MiB; it is ignored.
    ['a body above 1 MiB', 'L', (json: string) => `{"ignored_padding": "${'x'.repeat(1_200_000)}", ${json.slice(1)}`],
  ])('%s', (_label, tag, body) => {
    it('is really of that size', () => {
      expect(Buffer.byteLength(body('{"a": 1}')) > 1024 * 1024).toBe(tag === 'L');
    });

    it('PUT order "customer_name": 1e400 → 400 and the order is unchanged', async () => {
      await created('POST', 'orders/', `{"order_number": "NL-PUT-${tag}", "customer_name": "Before", "items": [{"sku_code": "12345678901234568", "quantity": 1}]}`);
      const res = await send('PUT', `orders/NL-PUT-${tag}/`, body('{"customer_name": 1e400}'));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual({ customer_name: ['Not a valid string.'] });
      const after = await get(`orders/NL-PUT-${tag}/`);
      expect(after.status).toBe(200);
      expect(after.body.data.customer_name).toBe('Before');
    });

    it('POST product "cost": 1e400 → 400 and nothing is stored', async () => {
      const res = await send('POST', 'products/', body(`{"sku": "NL-COST-${tag}", "cost": 1e400}`));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual({ cost: ['A valid number is required.'] });
      expect((await get(`products/NL-COST-${tag}/`)).status).toBe(404);
    });

    it('POST product "cost" with more digits than a double holds → 400 (judged by its own digits)', async () => {
      const res = await send('POST', 'products/', body(`{"sku": "NL-COST2-${tag}", "cost": 12.50000000000000001}`));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual({ cost: ['Ensure that there are no more than 4 decimal places.'] });
      expect((await get(`products/NL-COST2-${tag}/`)).status).toBe(404);
    });

    it('an order line with "sku_code": 12345678901234567 links product 12345678901234567, not its rounding', async () => {
      const res = await send(
        'POST',
        'orders/',
        body(`{"order_number": "NL-LINE-${tag}", "items": [{"sku_code": 12345678901234567, "quantity": 1}]}`),
      );
      expect(res.status).toBe(201);
      expect(res.body.data.items.map((line: any) => line.sku)).toEqual([{ sku: '12345678901234567' }]);
      const stored = await get(`orders/NL-LINE-${tag}/`);
      expect(stored.body.data.items.map((line: any) => line.sku)).toEqual([{ sku: '12345678901234567' }]);
    });

    it('POST product "sku": <integer above 2^53> → 201 with exactly that sku, and GET by it works', async () => {
      // 9007199254740993 and 9007199254740995 round to 9007199254740992 and 9007199254740996
      const sku = tag === 'S' ? '9007199254740993' : '9007199254740995';
      const res = await send('POST', 'products/', body(`{"sku": ${sku}, "name": "big sku"}`));
      expect(res.status).toBe(201);
      expect(res.body.data.sku).toBe(sku);
      const found = await get(`products/${sku}/`);
      expect(found.status).toBe(200);
      expect(found.body.data.sku).toBe(sku);
      expect(found.body.data.name).toBe('big sku');
    });

    it('an inventory row with "quantity": 9007199254740993 is a row error and stores nothing; a literal sku_code names its product exactly', async () => {
      const location = `NL-LOC-${tag}`;
      await created('POST', 'locations/', `{"code": "${location}"}`);
      const res = await send(
        'POST',
        'inventory/',
        body(
          `{"inventory": [` +
            `{"location_code": "${location}", "sku_code": "12345678901234568", "quantity": 9007199254740993},` +
            `{"location_code": "${location}", "sku_code": 12345678901234567, "quantity": 7}` +
            `], "source": "erp_sync"}`,
        ),
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        total: 2,
        created: 1,
        updated: 0,
        failed: 1,
        errors: [{ row: 0, location_id: location, product_id: '12345678901234568', errors: { quantity: ['A valid integer is required.'] } }],
      });
      const levels = await get(`inventory/${location}/`);
      expect(levels.status).toBe(200);
      expect(levels.body.data.map((r: any) => [r.sku_code, r.quantity])).toEqual([['12345678901234567', 7]]);
    });

    it('an integer field with 1e400 → 400', async () => {
      await created('POST', 'products/', `{"sku": "NL-INT-${tag}", "quantity": 3}`);
      const put = await send('PUT', `products/NL-INT-${tag}/`, body('{"quantity": 1e400}'));
      expect(put.status).toBe(400);
      expect(put.body.error.details).toEqual({ quantity: ['A valid integer is required.'] });
      expect((await get(`products/NL-INT-${tag}/`)).body.data.quantity).toBe(3);
      const order = await send('POST', 'orders/', body(`{"order_number": "NL-INT-${tag}", "items": [{"sku_code": "12345678901234568", "quantity": 1e400}]}`));
      expect(order.status).toBe(400);
      expect(order.body.error.details).toEqual({ 'items[0].quantity': ['A valid integer is required.'] });
      expect((await get(`orders/NL-INT-${tag}/`)).status).toBe(404);
    });

    it('an object field holding such a literal is rejected at its nested path, never stored changed', async () => {
      const res = await send('POST', 'products/', body(`{"sku": "NL-OBJ-${tag}", "custom_fields": {"ok": 1.5, "ids": [1, 12345678901234567]}}`));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual({ 'custom_fields.ids[1]': ['This number cannot be stored exactly; send it as a string.'] });
      expect((await get(`products/NL-OBJ-${tag}/`)).status).toBe(404);
    });
  });
});
