import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../types';
import { handleIntegrationRequest, type RawRequest } from '../pipeline';
import { KEY, fakeDeps, json, request, v1, type FakeDeps } from '../../testing-support/pipeline-fakes';
import { canonicalJson, requestFingerprint } from './idempotency';

/** The store's contract in memory (the PostgreSQL one passes the same in its int spec). */
class MemoryIdempotencyStore implements IdempotencyStore {
  rows = new Map<string, { fingerprint: string; claimId: string; response: StoredResponse | null }>();
  private n = 0;
  async claim(apiKeyId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const row = this.rows.get(`${apiKeyId}/${key}`);
    if (!row) {
      const claimId = `c${++this.n}`;
      this.rows.set(`${apiKeyId}/${key}`, { fingerprint, claimId, response: null });
      return { state: 'claimed', claimId };
    }
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    return row.response ? { state: 'replay', response: row.response } : { state: 'in_flight' };
  }
  async complete(apiKeyId: string, key: string, claimId: string, response: StoredResponse): Promise<void> {
    const row = this.rows.get(`${apiKeyId}/${key}`);
    if (row?.claimId === claimId) row.response = response;
  }
  async release(apiKeyId: string, key: string, claimId: string): Promise<void> {
    if (this.rows.get(`${apiKeyId}/${key}`)?.claimId === claimId) this.rows.delete(`${apiKeyId}/${key}`);
  }
}

function setup(): { fake: FakeDeps; store: MemoryIdempotencyStore; send: (req: RawRequest) => ReturnType<typeof handleIntegrationRequest> } {
  const store = new MemoryIdempotencyStore();
  const fake = fakeDeps({ idempotency: store });
  return { fake, store, send: (req) => handleIntegrationRequest(req, fake.deps) };
}

const post = (body: string, key: string | undefined = 'retry-1', path = 'orders/') =>
  request('POST', v1(path), { body, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('Idempotency-Key (history-feed-idempotency.md §3)', () => {
  it('processes the first request, replays its response for the same request with Idempotent-Replayed, and processes nothing again', async () => {
    const { fake, send } = setup();
    let n = 0;
    fake.reply = async () => ({ ok: true, status: 201, data: { id: `order-${++n}` } });
    const first = await send(post('{"order_number":"A-1","items":[]}'));
    const again = await send(post('{ "items": [], "order_number": "A-1" }')); // the same after canonicalisation
    expect(first.status).toBe(201);
    expect(first.headers['Idempotent-Replayed']).toBeUndefined();
    expect(again.status).toBe(201);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(json(again)).toEqual(json(first));
    expect(again.headers['X-Request-ID']).not.toBe(first.headers['X-Request-ID']);
    expect(fake.dispatched).toHaveLength(1);
  });

  it('answers 422 for another body, path or method with the key; 409 with Retry-After while the first is in flight', async () => {
    const { fake, store, send } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.reply = async () => {
      await gate;
      return { ok: true, status: 201, data: { id: 'o' } };
    };
    const first = send(post('{"a":1}'));
    await new Promise((r) => setImmediate(r));
    const during = await send(post('{"a":1}'));
    expect(during.status).toBe(409);
    expect(during.headers['Retry-After']).toBe('1');
    expect(json(during).error).toEqual({ code: 'CONFLICT', message: 'A request with this Idempotency-Key is in progress' });
    release();
    expect((await first).status).toBe(201);
    for (const other of [post('{"a":2}'), post('{"a":1}', 'retry-1', 'products/'), request('PUT', v1('orders/X/'), { body: '{"a":1}', headers: { 'idempotency-key': 'retry-1' } })]) {
      const res = await send(other);
      expect(res.status).toBe(422);
      expect(json(res).error).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Idempotency-Key was already used for a different request' });
    }
    expect(fake.dispatched).toHaveLength(1);
    expect(store.rows.size).toBe(1);
  });

  it('stores nothing for a 5xx or 429 answer: the next request with the key is processed', async () => {
    const { fake, store, send } = setup();
    fake.reply = async () => ({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.' } });
    expect((await send(post('{"a":1}'))).status).toBe(500);
    expect(store.rows.size).toBe(0);
    fake.reply = async () => ({ ok: false, error: { code: 'RATE_LIMITED', message: 'Too many requests.' } });
    expect((await send(post('{"a":1}'))).status).toBe(429);
    expect(store.rows.size).toBe(0);
    fake.reply = async () => ({ ok: true, status: 201, data: { id: 'o' } });
    expect((await send(post('{"a":1}'))).status).toBe(201);
    expect(fake.dispatched).toHaveLength(3);
    // A 4xx the service answered is the request's answer: stored and replayed.
    fake.reply = async () => ({ ok: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid.', details: { order_number: ['Required.'] } } });
    const invalid = await send(post('{}', 'retry-2'));
    const replayed = await send(post('{}', 'retry-2'));
    expect(invalid.status).toBe(400);
    expect(replayed.status).toBe(400);
    expect(replayed.headers['Idempotent-Replayed']).toBe('true');
    // The error body's request_id is the replay's own (it repeats X-Request-ID); the rest as stored.
    expect(json(replayed).request_id).toBe(replayed.headers['X-Request-ID']);
    expect(json(replayed).error).toEqual(json(invalid).error);
    expect(fake.dispatched).toHaveLength(4);
  });

  it('scopes keys to the API key; ignores the header on GET; requests without it behave as before', async () => {
    const { fake, send } = setup();
    expect((await send(post('{"a":1}', 'k'))).status).toBe(201);
    // Another API key (of another tenant here) uses the same string for another request: processed.
    const other = await send(request('POST', v1('orders/'), { key: KEY.globex, host: 'globex.localhost:8080', body: '{"a":2}', headers: { 'idempotency-key': 'k' } }));
    expect(other.status).toBe(201);
    expect(other.headers['Idempotent-Replayed']).toBeUndefined();
    expect((await send(request('GET', v1('orders/'), { headers: { 'idempotency-key': 'k' } }))).headers['Idempotent-Replayed']).toBeUndefined();
    expect((await send(post('{"a":1}', undefined))).status).toBe(201);
    expect((await send(post('{"a":1}', undefined))).status).toBe(201);
    expect(fake.dispatched.length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['not ASCII', 'clé'],
    ['a control character', 'a\tb'],
    ['repeated', ['a', 'b']],
  ])('answers 400 VALIDATION_ERROR for a key that is %s, processing nothing', async (_label, value) => {
    const { fake, send } = setup();
    const res = await send(request('POST', v1('orders/'), { body: '{"a":1}', headers: { 'idempotency-key': value } }));
    expect(res.status).toBe(400);
    expect(json(res).error.details).toEqual({ 'Idempotency-Key': ['Must be 1 to 255 printable ASCII characters.'] });
    expect(fake.dispatched).toHaveLength(0);
  });

  it('fingerprints method, path and canonical body; bodies that are no JSON by their bytes', () => {
    const b = (s: string) => Buffer.from(s, 'utf8');
    expect(canonicalJson(b('{"b":[1,{"d":null,"c":"x"}],"a":1.50}'))).toBe('{"a":1.5,"b":[1,{"c":"x","d":null}]}');
    expect(canonicalJson(b('{"a":'))).toBeNull();
    expect(requestFingerprint('POST', '/p', b('{"a":1,"b":2}'))).toBe(requestFingerprint('POST', '/p', b(' { "b" : 2 , "a" : 1 } ')));
    expect(requestFingerprint('POST', '/p', b('{"a":1}'))).not.toBe(requestFingerprint('PUT', '/p', b('{"a":1}')));
    expect(requestFingerprint('POST', '/p', b('{"a":1}'))).not.toBe(requestFingerprint('POST', '/q', b('{"a":1}')));
    expect(requestFingerprint('POST', '/p', undefined)).toBe(requestFingerprint('POST', '/p', b('{}')));
    expect(requestFingerprint('POST', '/p', b('not json'))).not.toBe(requestFingerprint('POST', '/p', b('not  json')));
    const deep = b('['.repeat(200_000) + ']'.repeat(200_000));
    expect(canonicalJson(deep)).toBeNull();
  });
});
