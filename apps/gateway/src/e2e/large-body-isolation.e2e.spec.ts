import { startTestPlatform, type ApiResponse, type TestPlatform } from '@datamingle/testing';
import { openRaw, parseRawResponse, sleep, watchRssRise, type RawClient } from './testing-support/raw-socket';

/**
 * One tenant's legal 10 MB bodies must not break the other tenants' calls (issue 9, finding 2):
 * large bodies travel on service connections of their own and are admitted under a process-wide
 * byte budget (503 + Retry-After before reading when it is full).
 */
const MAX_BODY = 10_485_760;

/**
 * A legal inventory bulk body of just under 10 MB whose rows name no existing location (answered
 * with row errors, nothing written), padded with escaped quotes: on the service transport, where
 * the body travels as a JSON string, every `\"` doubles again — the heaviest legal payload.
 */
function heavyBulkBody(): Buffer {
  const rows: string[] = [];
  for (let i = 0; i < 2_000; i++) rows.push(`{"location_code":"NOWHERE-${i}","sku_code":"NOSKU-${i}","quantity":1}`);
  const head = `{"source":"erp_sync","inventory":[${rows.join(',')}],"pad":"`;
  const tail = '"}';
  const padPairs = Math.floor((MAX_BODY - 1_000 - head.length - tail.length) / 2);
  return Buffer.from(head + '\\"'.repeat(padPairs) + tail);
}

describe('large bodies do not share fate with other tenants', () => {
  let platform: TestPlatform;
  let keyX: string;
  let keyV: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { GATEWAY_RECEIVE_TIMEOUT_MS: '20000' } });
    await platform.createTenant('xtenant');
    await platform.createTenant('vtenant');
    ({ key: keyX } = await platform.createKey('xtenant'));
    ({ key: keyV } = await platform.createKey('vtenant'));
    for (const code of ['V-1', 'V-2', 'V-3', 'V-4']) {
      const res = await platform.request('POST', '/api/integrations/v1/locations/', { key: keyV, host: 'vtenant.localhost', body: { code } });
      expect(res.status).toBe(201);
    }
    const product = await platform.request('POST', '/api/integrations/v1/products/', { key: keyV, host: 'vtenant.localhost', body: { sku: 'V-SKU' } });
    expect(product.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it("tenant V's writes see no failure while tenant X keeps twelve 10 MB bodies in flight", async () => {
    const heavy = heavyBulkBody();
    expect(heavy.length).toBeLessThanOrEqual(MAX_BODY);
    let stop = false;
    const xStatuses: number[] = [];
    const xLoops = Array.from({ length: 12 }, async () => {
      while (!stop) {
        const res = await platform.request('POST', '/api/integrations/v1/inventory/', {
          key: keyX,
          host: 'xtenant.localhost',
          rawBody: heavy,
          headers: { 'content-type': 'application/json' },
        });
        xStatuses.push(res.status);
      }
    });
    // Let X's bodies get in flight first.
    await sleep(1_500);
    const vResults: ApiResponse[] = [];
    for (let round = 0; round < 10; round++) {
      const batch = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          platform.request('POST', '/api/integrations/v1/inventory/', {
            key: keyV,
            host: 'vtenant.localhost',
            body: { inventory: [{ location_code: `V-${i + 1}`, sku_code: 'V-SKU', quantity: round * 10 + i }], source: 'erp_sync' },
          }),
        ),
      );
      vResults.push(...batch);
    }
    stop = true;
    await Promise.all(xLoops);
    expect(vResults.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(vResults.every((r) => r.body.data.failed === 0)).toBe(true);
    // X's own requests were answered too (row errors: its locations do not exist).
    expect(xStatuses.length).toBeGreaterThanOrEqual(12);
    expect(new Set(xStatuses)).toEqual(new Set([200]));
    // Each location's last write is what V reads back.
    const levels = await platform.request('GET', '/api/integrations/v1/inventory/V-SKU/?by=sku', { key: keyV, host: 'vtenant.localhost' });
    expect(levels.status).toBe(200);
    const byLocation = Object.fromEntries((levels.body.data as Array<{ location_code: string; quantity: number }>).map((l) => [l.location_code, l.quantity]));
    expect(byLocation).toEqual({ 'V-1': 90, 'V-2': 91, 'V-3': 92, 'V-4': 93 });
  }, 180_000);

  it('authenticated uploads beyond the body budget get 503 + Retry-After before a byte is read; memory stays bounded', async () => {
    const rss = await watchRssRise(platform.pid('gateway')!);
    let rise = Infinity;
    const almost = Buffer.alloc(MAX_BODY - 1, 0x20);
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const c = await openRaw(platform.gatewayPort);
        c.socket.write(
          `POST /api/integrations/v1/inventory/ HTTP/1.1\r\nHost: xtenant.localhost\r\nX-API-Key: ${keyX}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${MAX_BODY}\r\n\r\n`,
        );
        c.socket.write(almost);
        clients.push(c);
      }
      await sleep(3_000);
      const answered = clients.filter((c) => c.received().includes('\r\n\r\n')).map((c) => parseRawResponse(c.received()));
      // 128 MiB by default: twelve bodies of 10 MB are being read, every other one was refused at once.
      expect(answered.length).toBe(30 - 12);
      for (const res of answered) {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(JSON.parse(res.body).error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retry_after: 5 } });
      }
      const metrics = await platform.request('GET', '/metrics');
      expect(metrics.text).toMatch(new RegExp(`^datamingle_gateway_body_bytes_buffered ${12 * MAX_BODY}$`, 'm'));
    } finally {
      rise = rss.stop();
      clients.forEach((c) => c.socket.destroy());
    }
    expect(rise).toBeLessThanOrEqual(250 * 1024 * 1024);
    // The stalled bodies were given back: a new large request is admitted and answered.
    await sleep(500);
    const res = await platform.request('POST', '/api/integrations/v1/inventory/', {
      key: keyX,
      host: 'xtenant.localhost',
      rawBody: heavyBulkBody(),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
  }, 60_000);
});
