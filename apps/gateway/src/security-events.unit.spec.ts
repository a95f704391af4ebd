import type { SecurityEvent } from '@datamingle/gateway-domain';
import type { SecurityEventAggregate, SecurityEventRecord } from '@datamingle/gateway-infrastructure';
import { SecurityEventRecorder, type SecurityEventRecorderOptions, type SecurityEventSink } from './security-events';

/** In-memory stand-in for the two GatewayStore methods (plus the optional tenant slugs). */
class FakeStore implements SecurityEventSink {
  inserts: SecurityEventRecord[][] = [];
  upserts: SecurityEventAggregate[][] = [];
  insertFailures = 0;
  upsertFailures = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Every write attempt, failed or not. */
  calls = 0;
  /** While set, writes wait for it. */
  gate: Promise<void> | null = null;
  slugs: string[] | null = null;

  get rows(): SecurityEventRecord[] {
    return this.inserts.flat();
  }

  /** Sum of the upserts per aggregate key (what the database row ends with). */
  aggregates(): Map<string, SecurityEventAggregate> {
    const out = new Map<string, SecurityEventAggregate>();
    for (const a of this.upserts.flat()) {
      const seen = out.get(a.aggregateKey);
      out.set(a.aggregateKey, seen ? { ...seen, count: seen.count + a.count, lastAt: a.lastAt > seen.lastAt ? a.lastAt : seen.lastAt } : a);
    }
    return out;
  }

  total(): number {
    return this.rows.length + [...this.aggregates().values()].reduce((n, a) => n + a.count, 0);
  }

  private async write(fail: () => boolean): Promise<void> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      if (this.gate) await this.gate;
      if (fail()) throw new Error('database unavailable');
    } finally {
      this.inFlight--;
    }
  }

  async insertSecurityEvents(events: readonly SecurityEventRecord[]): Promise<void> {
    await this.write(() => this.insertFailures-- > 0);
    this.inserts.push([...events]);
  }

  async upsertSecurityEventAggregates(aggregates: readonly SecurityEventAggregate[]): Promise<void> {
    await this.write(() => this.upsertFailures-- > 0);
    this.upserts.push([...aggregates]);
  }

  tenantSlugs?(): Promise<readonly string[]>;
}

class Clock {
  constructor(public t = Date.parse('2026-03-01T10:00:00.000Z')) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

let seq = 0;

describe('SecurityEventRecorder', () => {
  let clock: Clock;
  let store: FakeStore;
  let warnings: Array<{ msg: string; fields?: Record<string, unknown> }>;
  let recorder: SecurityEventRecorder;

  const make = (options: SecurityEventRecorderOptions = {}, sink: SecurityEventSink = store) => {
    recorder = new SecurityEventRecorder(sink, { warn: (msg, fields) => warnings.push({ msg, fields }) }, { now: clock.now, ...options });
    return recorder;
  };

  const event = (o: Partial<SecurityEvent> = {}): SecurityEvent => ({
    reason: 'AUTHENTICATION_FAILED',
    requestId: `req-${++seq}`,
    keyId: null,
    keyName: null,
    tenantId: null,
    hostTenantSlug: 'acme',
    method: 'GET',
    path: '/api/integrations/v1/orders/',
    clientIp: '198.51.100.7',
    occurredAt: new Date(clock.now()),
    ...o,
  });

  /** Records n events, the clock moving `stepMs` after each. */
  const flood = (n: number, o: Partial<SecurityEvent> = {}, stepMs = 0): SecurityEvent[] =>
    Array.from({ length: n }, () => {
      const e = event(o);
      recorder.record(e);
      clock.advance(stepMs);
      return e;
    });

  beforeEach(() => {
    clock = new Clock();
    store = new FakeStore();
    warnings = [];
  });

  it('stores the first 100 events of a bucket one by one and counts the rest into one aggregate', async () => {
    make();
    const events = flood(250, {}, 10); // 2.5 s of one minute
    await recorder.flush();
    expect(store.rows.map((r) => r.requestId)).toEqual(events.slice(0, 100).map((e) => e.requestId));
    expect(store.rows[0]).toEqual({
      tenantId: null,
      tenantSlug: 'acme',
      requestId: events[0]!.requestId,
      reason: 'AUTHENTICATION_FAILED',
      keyId: null,
      keyName: null,
      method: 'GET',
      path: '/api/integrations/v1/orders/',
      clientIp: '198.51.100.7',
      occurredAt: events[0]!.occurredAt,
    });
    expect(store.upserts).toEqual([]); // not due yet: the minute goes on

    clock.set('2026-03-01T10:00:05.000Z');
    await recorder.flush();
    expect(store.upserts).toHaveLength(1);
    expect(store.upserts[0]).toEqual([
      {
        aggregateKey: JSON.stringify(['2026-03-01T10:00:00.000Z', 'acme', 'ip:198.51.100.7', 'AUTHENTICATION_FAILED']),
        tenantId: null,
        tenantSlug: 'acme',
        requestId: events[100]!.requestId,
        reason: 'AUTHENTICATION_FAILED',
        keyId: null,
        keyName: null,
        method: 'GET',
        path: '/api/integrations/v1/orders/',
        clientIp: '198.51.100.7',
        count: 150,
        firstAt: events[100]!.occurredAt,
        lastAt: events[249]!.occurredAt,
      },
    ]);

    // More of the same minute: still no new individual rows, the aggregate grows when the minute ends.
    flood(10);
    clock.set('2026-03-01T10:00:59.000Z');
    await recorder.flush();
    clock.set('2026-03-01T10:01:02.000Z');
    await recorder.flush();
    expect(store.rows).toHaveLength(100);
    expect([...store.aggregates().values()].map((a) => a.count)).toEqual([160]);
    expect(store.total()).toBe(260);
    expect(recorder.stats()).toMatchObject({ recorded: 260, storedIndividually: 100, aggregated: 160, dropped: 0, buckets: 0, queued: 0 });
  });

  it('a new minute starts a new bucket: 100 more individual events', async () => {
    make();
    clock.set('2026-03-01T10:00:59.000Z');
    flood(150, {}, 5); // 10:00:59.000 – 10:00:59.745
    clock.set('2026-03-01T10:01:00.100Z');
    flood(130);
    await recorder.stop();
    expect(store.rows).toHaveLength(200);
    const aggregates = [...store.aggregates().values()];
    expect(aggregates.map((a) => [JSON.parse(a.aggregateKey)[0], a.count])).toEqual([
      ['2026-03-01T10:00:00.000Z', 50],
      ['2026-03-01T10:01:00.000Z', 30],
    ]);
    expect(store.total()).toBe(280);
  });

  it('another address, reason or host is another bucket', async () => {
    make();
    flood(101);
    flood(101, { clientIp: '198.51.100.8' });
    flood(101, { reason: 'NOT_AUTHENTICATED' });
    flood(101, { hostTenantSlug: 'globex' });
    await recorder.stop();
    expect(store.rows).toHaveLength(400);
    const aggregates = [...store.aggregates().values()];
    expect(aggregates.map((a) => [a.tenantSlug, a.clientIp, a.reason, a.count])).toEqual([
      ['acme', '198.51.100.7', 'AUTHENTICATION_FAILED', 1],
      ['acme', '198.51.100.8', 'AUTHENTICATION_FAILED', 1],
      ['acme', '198.51.100.7', 'NOT_AUTHENTICATED', 1],
      ['globex', '198.51.100.7', 'AUTHENTICATION_FAILED', 1],
    ]);
    expect(new Set(aggregates.map((a) => a.aggregateKey)).size).toBe(4);
  });

  it('writes 500 queued events at once, as one INSERT, without waiting for the timer', async () => {
    make();
    for (let i = 0; i < 5; i++) flood(100, { clientIp: `203.0.113.${i}` });
    await new Promise((r) => setImmediate(r));
    expect(store.inserts.map((b) => b.length)).toEqual([500]);
  });

  it('with start(), queued events are written within the flush interval; stop() ends the timer', async () => {
    make({ flushIntervalMs: 20 });
    recorder.start();
    flood(3);
    const until = Date.now() + 2_000;
    while (store.rows.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(store.rows).toHaveLength(3);
    await recorder.stop();
    recorder.record(event());
    expect(recorder.stats().dropped).toBe(1);
  });

  it('never runs two writes at once, however fast events arrive', async () => {
    make();
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    for (let i = 0; i < 30; i++) flood(100, { clientIp: `203.0.113.${i}` }); // 3,000 individual events: six batches
    await new Promise((r) => setImmediate(r));
    clock.advance(10_000);
    const flushing = recorder.flush();
    await new Promise((r) => setImmediate(r));
    expect(store.inFlight).toBe(1);
    open();
    store.gate = null;
    await flushing;
    await recorder.stop();
    expect(store.maxInFlight).toBe(1);
    expect(store.rows).toHaveLength(3_000);
    expect(Math.max(...store.inserts.map((b) => b.length))).toBe(500);
  });

  it('caps the buckets: further addresses count into an any-address aggregate of their host; past that cap events are dropped and logged', async () => {
    make({ maxBuckets: 2, maxOverflowBuckets: 1 });
    flood(1, { clientIp: '10.0.0.1' });
    flood(1, { clientIp: '10.0.0.2' });
    flood(1, { clientIp: '10.0.0.3' });
    flood(2, { clientIp: '10.0.0.4' });
    flood(1, { clientIp: '10.0.0.5', hostTenantSlug: 'globex' }); // would need a second overflow bucket
    expect(recorder.stats()).toMatchObject({ buckets: 3, dropped: 1 });
    await recorder.stop();
    expect(store.rows.map((r) => r.clientIp)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect([...store.aggregates().values()]).toEqual([
      expect.objectContaining({
        aggregateKey: JSON.stringify(['2026-03-01T10:00:00.000Z', 'acme', '*', 'AUTHENTICATION_FAILED']),
        tenantSlug: 'acme',
        clientIp: null,
        count: 3,
      }),
    ]);
    expect(warnings).toEqual([{ msg: 'security events dropped', fields: { dropped: 1, dropped_total: 1 } }]);
  });

  it('forgets buckets after their minute, so the caps hold minute after minute', async () => {
    make({ maxBuckets: 2, maxOverflowBuckets: 1 });
    flood(1, { clientIp: '10.0.0.1' });
    flood(1, { clientIp: '10.0.0.2' });
    flood(1, { clientIp: '10.0.0.3' });
    clock.set('2026-03-01T10:01:03.000Z');
    await recorder.flush();
    expect(recorder.stats().buckets).toBe(0);
    flood(1, { clientIp: '10.0.0.3' });
    flood(1, { clientIp: '10.0.0.4' });
    await recorder.stop();
    expect(store.rows.map((r) => r.clientIp)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(recorder.stats().dropped).toBe(0);
  });

  it('caps the queue: past maxQueued an event is counted in its aggregate instead (the total stays exact)', async () => {
    make({ maxQueued: 10 });
    flood(30);
    expect(recorder.stats()).toMatchObject({ queued: 10, aggregated: 20 });
    await recorder.stop();
    expect(store.rows).toHaveLength(10);
    expect([...store.aggregates().values()].map((a) => a.count)).toEqual([20]);
  });

  it('retries a failed write on later flushes, then drops it with a warn log', async () => {
    make({ maxAttempts: 3 });
    store.insertFailures = 1;
    flood(5);
    await recorder.flush();
    expect(store.rows).toHaveLength(0);
    await recorder.flush();
    expect(store.rows).toHaveLength(5); // the retry stored each event once
    expect(warnings).toEqual([]);

    store.insertFailures = 99;
    const lost = flood(4);
    for (let i = 0; i < 5; i++) await recorder.flush();
    expect(store.rows).toHaveLength(5);
    expect(recorder.stats()).toMatchObject({ dropped: 4, queued: 0 });
    expect(warnings.map((w) => [w.msg, w.fields?.['events'] ?? w.fields?.['dropped']])).toEqual([
      ['could not record security events', 4],
      ['security events dropped', 4],
    ]);
    // Never a key or an event's content in a log: counts and the error only.
    expect(JSON.stringify(warnings)).not.toContain(lost[0]!.requestId);
  });

  it('a failed aggregate write keeps its count for the next flush, merged with what came meanwhile', async () => {
    make();
    flood(130);
    store.upsertFailures = 1;
    clock.advance(5_000);
    await recorder.flush();
    expect(store.upserts).toHaveLength(0);
    flood(7);
    clock.advance(5_000);
    await recorder.flush();
    expect([...store.aggregates().values()].map((a) => a.count)).toEqual([37]);
  });

  it('after a failure, events arriving do not trigger immediate retries (no hammering)', async () => {
    make();
    store.insertFailures = 99;
    for (let i = 0; i < 5; i++) flood(100, { clientIp: `203.0.113.${i}` });
    await new Promise((r) => setImmediate(r));
    await recorder.flush();
    const calls = store.calls;
    expect(calls).toBeGreaterThan(0);
    for (let i = 5; i < 10; i++) flood(100, { clientIp: `203.0.113.${i}` });
    await new Promise((r) => setImmediate(r));
    expect(store.calls).toBe(calls);
    expect(store.maxInFlight).toBe(1);
  });

  it('stop() writes everything held: queued events and the aggregates of the current minute', async () => {
    make();
    flood(180, { reason: 'KEY_EXPIRED', keyId: 'k1', keyName: 'ERP', tenantId: 't-acme' });
    await recorder.stop();
    expect(store.rows).toHaveLength(100);
    expect([...store.aggregates().values()]).toEqual([expect.objectContaining({ count: 80, keyId: 'k1', keyName: 'ERP', tenantId: 't-acme' })]);
    expect(recorder.stats()).toMatchObject({ buckets: 0, queued: 0, dropped: 0 });
  });

  it('stop() gives up after its timeout and says how much was lost', async () => {
    make({ stopTimeoutMs: 50 });
    store.gate = new Promise(() => undefined); // the database never answers
    flood(3);
    await recorder.stop();
    expect(warnings).toEqual([{ msg: 'security events not written before shutdown', fields: { dropped: 3 } }]);
  });

  it('an aggregate whose events name several keys names no key', async () => {
    make({ individualPerBucket: 1 });
    flood(1, { reason: 'KEY_EXPIRED', keyId: 'k1', keyName: 'ERP' });
    flood(2, { reason: 'KEY_EXPIRED', keyId: 'k1', keyName: 'ERP' });
    flood(1, { reason: 'KEY_EXPIRED', keyId: 'k2', keyName: 'Shop' });
    await recorder.stop();
    expect([...store.aggregates().values()]).toEqual([expect.objectContaining({ count: 3, keyId: null, keyName: null })]);
  });

  it('hosts that name no existing tenant: three get buckets of their own per source, the rest share one (made-up hosts do not multiply rows)', async () => {
    store.tenantSlugs = async () => ['acme'];
    make();
    await recorder.flush(); // reads the slugs
    const madeUp = Array.from({ length: 60 }, (_, i) => `nosuch${i}`);
    for (const host of madeUp) flood(3, { hostTenantSlug: host });
    flood(101); // acme: its own bucket
    flood(2, { hostTenantSlug: 'nosuch59', clientIp: '198.51.100.99' }); // another source: its own budget
    await recorder.stop();
    const individual = store.rows;
    // 3 hosts × 3 events in buckets of their own, then 100 of the shared bucket, then 2 of the other source.
    expect(individual.filter((r) => r.tenantSlug !== 'acme')).toHaveLength(3 * 3 + 100 + 2);
    expect(individual.filter((r) => r.tenantSlug === 'acme')).toHaveLength(100);
    // Individual rows keep the host they named (the store resolves it: no tenant).
    expect(individual[0]!.tenantSlug).toBe('nosuch0');
    expect(individual[9]!.tenantSlug).toBe('nosuch3');
    expect([...store.aggregates().values()].map((a) => [a.tenantSlug, a.count])).toEqual([
      [null, 57 * 3 - 100],
      ['acme', 1],
    ]);
    expect(store.total()).toBe(60 * 3 + 101 + 2);
  });

  it('a tenant created after the slugs were read is bucketed on its own, and the slugs are re-read within seconds', async () => {
    let reads = 0;
    let slugs = ['acme'];
    store.tenantSlugs = async () => {
      reads++;
      return slugs;
    };
    make({ maxUnknownHostsPerSource: 1 });
    await recorder.flush();
    expect(reads).toBe(1);
    slugs = ['acme', 'newco'];
    flood(101, { hostTenantSlug: 'newco' });
    flood(101, { hostTenantSlug: 'newco', clientIp: '198.51.100.8' });
    await recorder.flush();
    expect(reads).toBe(1); // not at every miss...
    clock.advance(5_000);
    await recorder.flush();
    expect(reads).toBe(2); // ...but within 5 s of one
    flood(1, { hostTenantSlug: 'newco' }); // known now: no re-read for it
    clock.advance(10_000);
    await recorder.flush();
    expect(reads).toBe(2);
    clock.advance(20_000);
    await recorder.flush();
    expect(reads).toBe(3); // the regular 30 s
    await recorder.stop();
    expect([...store.aggregates().values()].map((a) => [a.tenantSlug, a.clientIp, a.count])).toEqual([
      ['newco', '198.51.100.7', 2], // the same bucket before and after the re-read
      ['newco', '198.51.100.8', 1],
    ]);
  });

  it('record() never throws, even for a malformed event', () => {
    make();
    expect(() => recorder.record(null as unknown as SecurityEvent)).not.toThrow();
    expect(() => recorder.record({ ...event(), occurredAt: new Date(Number.NaN) })).not.toThrow();
  });
});
