import { hashApiKey } from '../api-keys';
import type { KeyLimits, RateDecision, SlotDecision } from '../limits-and-logs';
import { handleIntegrationRequest } from '../pipeline';
import { HASH_SECRET, fakeDeps, json, keyRecord, request, v1, type FakeDeps } from '../../testing-support/pipeline-fakes';

const LIMITED_KEY = `sk_live_${'L'.repeat(40)}`;

/** A scripted KeyLimits that records what the pipeline asked. */
function scriptedLimits(rate: RateDecision[], slots: SlotDecision[] = []) {
  const calls: string[] = [];
  let released = 0;
  const limits: KeyLimits = {
    takeToken: async (keyId, perSecond) => {
      calls.push(`token ${keyId} ${perSecond}`);
      return rate.shift() ?? { allowed: true, limit: perSecond, remaining: perSecond - 1 };
    },
    acquireSlot: async (keyId) => {
      calls.push(`slot ${keyId}`);
      return slots.shift() ?? { acquired: true, release: () => void released++ };
    },
  };
  return { limits, calls, released: () => released };
}

function withLimits(limits: KeyLimits): FakeDeps {
  const fake = fakeDeps({ limits });
  fake.keys.set(hashApiKey(HASH_SECRET, LIMITED_KEY), keyRecord({ id: 'key-limited', rateLimitPerSecond: 20, scopes: ['integrations.orders.read'] }));
  return fake;
}

describe('step 6: per-key rate limit', () => {
  it('takes a token for a key with a rate limit and puts X-RateLimit-* on every later response', async () => {
    const script = scriptedLimits([{ allowed: true, limit: 20, remaining: 7.9 }, { allowed: true, limit: 20, remaining: 6 }, { allowed: true, limit: 20, remaining: 5 }]);
    const fake = withLimits(script.limits);
    const ok = await handleIntegrationRequest(request('GET', v1('orders/'), { key: LIMITED_KEY }), fake.deps);
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '7' });
    // Unknown route (step 8) and scope refusal (step 10) come after step 6: they carry the headers too.
    const unknown = await handleIntegrationRequest(request('GET', v1('nothing/'), { key: LIMITED_KEY }), fake.deps);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['X-RateLimit-Remaining']).toBe('6');
    const denied = await handleIntegrationRequest(request('POST', v1('orders/'), { key: LIMITED_KEY, body: '{}' }), fake.deps);
    expect(denied.status).toBe(403);
    expect(denied.headers['X-RateLimit-Limit']).toBe('20');
    expect(script.calls).toEqual(['token key-limited 20', 'slot key-limited', 'token key-limited 20', 'slot key-limited', 'token key-limited 20', 'slot key-limited']);
    expect(script.released()).toBe(3);
  });

  it('answers 429 RATE_LIMITED with Retry-After and X-RateLimit-Remaining: 0, taking no slot and calling no service', async () => {
    const script = scriptedLimits([{ allowed: false, limit: 20, retryAfterSeconds: 0.3 }]);
    const fake = withLimits(script.limits);
    const res = await handleIntegrationRequest(request('GET', v1('orders/'), { key: LIMITED_KEY }), fake.deps);
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'Retry-After': '1', 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0' });
    expect(json(res).error).toEqual({ code: 'RATE_LIMITED', message: 'Rate limit of 20 requests per second exceeded for this API key.', details: { limit_per_second: 20, retry_after: 1 } });
    expect(script.calls).toEqual(['token key-limited 20']);
    expect(fake.dispatched).toEqual([]);
  });

  it('takes no token for a key without a rate limit and sends no X-RateLimit-* headers; failed authentication never reaches step 6', async () => {
    const script = scriptedLimits([]);
    const fake = withLimits(script.limits);
    const res = await handleIntegrationRequest(request('GET', v1('orders/')), fake.deps);
    expect(res.status).toBe(200);
    expect(res.headers['X-RateLimit-Limit']).toBeUndefined();
    expect(script.calls).toEqual(['slot key-acme']);
    const expired = await handleIntegrationRequest(request('GET', v1('orders/'), { key: `sk_live_${'E'.repeat(40)}` }), fake.deps);
    expect(expired.status).toBe(401);
    expect(expired.headers['X-RateLimit-Limit']).toBeUndefined();
    expect(script.calls).toEqual(['slot key-acme']);
  });
});

describe('step 7: per-key concurrency slot', () => {
  it('answers 503 with Retry-After: 1 and the exact message when no slot was obtained', async () => {
    for (const reason of ['queue_timeout', 'queue_full'] as const) {
      const script = scriptedLimits([], [{ acquired: false, reason }]);
      const fake = withLimits(script.limits);
      const res = await handleIntegrationRequest(request('GET', v1('orders/')), fake.deps);
      expect(res.status).toBe(503);
      expect(res.headers['Retry-After']).toBe('1');
      expect(json(res).error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'Too many concurrent requests for this API key. Retry after 1 seconds.', details: { retry_after: 1 } });
      expect(fake.dispatched).toEqual([]);
    }
  });

  it('holds the slot until the response is produced, and releases it when the service fails too', async () => {
    let released = 0;
    let releasedBeforeReply = -1;
    const fake = fakeDeps({ limits: { takeToken: async () => ({ allowed: true, limit: 1, remaining: 0 }), acquireSlot: async () => ({ acquired: true, release: () => void released++ }) } });
    fake.reply = async () => {
      releasedBeforeReply = released;
      return { ok: true, status: 200, data: [] };
    };
    await handleIntegrationRequest(request('GET', v1('orders/')), fake.deps);
    expect(releasedBeforeReply).toBe(0);
    expect(released).toBe(1);
    fake.reply = async () => {
      throw new Error('boom');
    };
    const failed = await handleIntegrationRequest(request('GET', v1('orders/')), fake.deps);
    expect(failed.status).toBe(500);
    expect(released).toBe(2);
  });
});
