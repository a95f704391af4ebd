import { eventually, type TestPlatform } from '@datamingle/testing';
import { startWithKey, stopAll } from './testing-support/e2e-setup';
import { openRaw, parseRawResponse, sleep, watchRssRise, type RawClient } from './testing-support/raw-socket';

/**
 * The gateway against clients that hold connections open, trickle bytes, stall large uploads or
 * break HTTP (issue 9, findings 1 and 6): every such connection is closed within the configured
 * timeouts, an unauthenticated body is never held in memory, and Node's own protocol rejections
 * carry the envelope and an X-Request-ID like every other answer.
 */
const HEADERS_TIMEOUT_MS = 1_000;
const RECEIVE_TIMEOUT_MS = 8_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_500;
/** Slack over a timeout for the server's periodic check and a busy machine. */
const SLACK_MS = 3_000;
const MAX_BODY = 10_485_760;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('hostile clients', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey(undefined, {
      platform: {
        env: {
          GATEWAY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
          GATEWAY_RECEIVE_TIMEOUT_MS: String(RECEIVE_TIMEOUT_MS),
          GATEWAY_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
          LOG_LEVEL: 'info',
        },
        captureLogs: true,
      },
    }));
  }, 60_000);

  afterAll(() => stopAll(platform));

  const errorLines = () => platform.logs('gateway').filter((line) => /"level":"(error|fatal)"/.test(line));

  it('closes connections that never send a byte within the headers timeout', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => openRaw(platform.gatewayPort)));
    const closedAfter = await Promise.all(clients.map((c) => c.closedWithin(HEADERS_TIMEOUT_MS + SLACK_MS)));
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
  }, 30_000);

  it('closes connections that trickle their headers, answering 400 in the envelope with an X-Request-ID', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => openRaw(platform.gatewayPort)));
    const timers = clients.map((c) => {
      c.socket.write('GET /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-Slow: ');
      return setInterval(() => c.socket.writable && c.socket.write('x'), 200);
    });
    try {
      await Promise.all(clients.map((c) => c.closedWithin(HEADERS_TIMEOUT_MS + SLACK_MS)));
    } finally {
      timers.forEach(clearInterval);
    }
    const answered = clients.filter((c) => c.received().length > 0);
    expect(answered.length).toBeGreaterThan(0);
    for (const c of answered) {
      const res = parseRawResponse(c.received());
      expect(res.status).toBe(400);
      expect(res.headers['x-request-id']).toMatch(UUID);
      const body = JSON.parse(res.body);
      expect(body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' }, request_id: res.headers['x-request-id'] });
    }
  }, 30_000);

  it('closes an authenticated upload that trickles its body within the receive timeout, and gives its bytes back', async () => {
    const c = await openRaw(platform.gatewayPort);
    c.socket.write(
      `POST /api/integrations/v1/products/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"sku":`,
    );
    const timer = setInterval(() => c.socket.writable && c.socket.write(' '), 200);
    try {
      const after = await c.closedWithin(RECEIVE_TIMEOUT_MS + SLACK_MS);
      expect(after).toBeGreaterThanOrEqual(RECEIVE_TIMEOUT_MS - 500);
    } finally {
      clearInterval(timer);
    }
    await eventually(async () => {
      const metrics = await platform.request('GET', '/metrics');
      expect(metrics.text).toMatch(/^datamingle_gateway_body_bytes_buffered 0$/m);
    });
  }, 30_000);

  it('closes a kept-alive connection that stays idle after its response within the keep-alive timeout', async () => {
    const c = await openRaw(platform.gatewayPort);
    c.socket.write(`GET /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${key}\r\n\r\n`);
    await eventually(() => expect(parseRawResponse(c.received()).status).toBe(200));
    const answeredAt = Date.now();
    await c.closedWithin(KEEP_ALIVE_TIMEOUT_MS + HEADERS_TIMEOUT_MS + SLACK_MS + (answeredAt - c.openedAt));
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 200);
  }, 30_000);

  it('60 stalled unauthenticated 10 MB uploads: answered 401, memory up by at most 250 MB, all closed', async () => {
    const rss = await watchRssRise(platform.pid('gateway')!);
    let rise = Infinity;
    const body = Buffer.alloc(MAX_BODY - 1, 0x20); // one byte short: the upload never completes
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const c = await openRaw(platform.gatewayPort);
        c.socket.write(
          `POST /api/integrations/v1/inventory/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: sk_live_${'Z'.repeat(40)}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${MAX_BODY}\r\n\r\n`,
        );
        c.socket.write(body);
        clients.push(c);
      }
      await Promise.all(clients.map((c) => c.closedWithin(RECEIVE_TIMEOUT_MS + SLACK_MS + 10_000)));
    } finally {
      rise = rss.stop();
      clients.forEach((c) => c.socket.destroy());
    }
    expect(rise).toBeLessThanOrEqual(250 * 1024 * 1024);
    // The key was refused before the body was read (the 413 order is kept: the declared size is within the limit).
    const statuses = clients.filter((c) => c.received().length > 0).map((c) => parseRawResponse(c.received()).status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect((await platform.request('GET', '/api/integrations/v1/orders/', { key })).status).toBe(200);
  }, 90_000);

  it('a chunked body over 10 MB still gets 413 before the key is judged, and is not kept', async () => {
    const c = await openRaw(platform.gatewayPort);
    c.socket.write(
      `POST /api/integrations/v1/inventory/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: sk_live_${'Q'.repeat(40)}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 11; i++) c.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, 'latin1');
    c.socket.write('0\r\n\r\n');
    await eventually(() => expect(c.received()).toMatch(/\r\n\r\n/), 10_000);
    const res = parseRawResponse(c.received());
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    await c.closedWithin(5_000);
  }, 30_000);

  it.each([
    ['bad chunk framing', 'POST /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n'],
    ['a duplicate Content-Length', 'POST /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
    ['oversized headers', `GET /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a malformed header line', 'GET /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\nNo colon here\r\n\r\n'],
    ['an unknown method', 'FROB /api/integrations/v1/orders/ HTTP/1.1\r\nHost: acme.localhost\r\n\r\n'],
    ['a broken request line', 'GARBAGE\r\n\r\n'],
  ])('answers %s with 400 VALIDATION_ERROR in the envelope, with an X-Request-ID, and closes', async (_label, raw) => {
    const c = await openRaw(platform.gatewayPort);
    c.socket.write(raw);
    await c.closedWithin(5_000);
    const res = parseRawResponse(c.received());
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body);
    expect(body).toEqual({
      success: false,
      error: { code: 'VALIDATION_ERROR', message: expect.stringMatching(/^non_field_errors: /), details: { non_field_errors: [expect.any(String)] } },
      request_id: res.headers['x-request-id'],
    });
  });

  it('client aborts are routine: not logged at error level, and the gateway keeps answering', async () => {
    const before = errorLines().length;
    const clients = await Promise.all(Array.from({ length: 40 }, () => openRaw(platform.gatewayPort)));
    clients.forEach((c, i) => {
      const k = i % 2 === 0 ? key : `sk_live_${'W'.repeat(40)}`;
      c.socket.write(
        `POST /api/integrations/v1/products/ HTTP/1.1\r\nHost: acme.localhost\r\nX-API-Key: ${k}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"sku": "`,
      );
      c.socket.write('x'.repeat(50_000));
    });
    await sleep(300);
    clients.forEach((c) => c.socket.destroy());
    await sleep(500);
    expect((await platform.request('GET', '/api/integrations/v1/orders/', { key })).status).toBe(200);
    expect(errorLines().slice(before)).toEqual([]);
  });
});
