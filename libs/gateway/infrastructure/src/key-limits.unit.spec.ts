/**
 * The lease manager of KeyLimits with an in-memory lease store and a manual clock: local reuse
 * without round trips, FIFO waiters, the 30 s and 1,000 limits, idle return, lost leases and
 * giving slots back when another gateway waits. The SQL itself is covered by key-limits.int.spec.ts.
 */
import type { SlotDecision } from '@datamingle/gateway-domain';
import { LeasedKeyLimits, rateDecision, type KeyLimitsObserver, type LimitsClock, type SlotLeaseStore } from './key-limits';

type Granted = Extract<SlotDecision, { acquired: true }>;

class ManualClock implements LimitsClock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => void this.timers.delete(h as number);
  /** Moves time forward, firing due timers in order (and letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** 50 slots per key shared by every holder, like the table. */
class MemoryLeases implements SlotLeaseStore {
  readonly slots = new Map<string, Array<string | null>>();
  readonly demand = new Map<string, Map<string, number>>();
  readonly calls: string[] = [];
  failClaims = false;
  failRenewals = false;
  private row(keyId: string) {
    let r = this.slots.get(keyId);
    if (!r) this.slots.set(keyId, (r = Array.from({ length: 50 }, () => null)));
    return r;
  }
  async claim(keyId: string, holder: string, claim: number, wanting: number) {
    this.calls.push(`claim ${claim}/${wanting}`);
    if (this.failClaims) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const r = this.row(keyId);
    const got: number[] = [];
    for (let i = 0; i < 50 && got.length < claim; i++) if (r[i] === null) (r[i] = holder), got.push(i);
    const d = this.demand.get(keyId) ?? new Map<string, number>();
    this.demand.set(keyId, d);
    if (got.length < wanting) d.set(holder, wanting - got.length);
    else d.delete(holder);
    const others = [...d.entries()].filter(([h]) => h !== holder);
    return { slots: got, othersWaiting: others.length, othersQueued: others.reduce((n, [, w]) => n + w, 0) };
  }
  async release(holder: string, slots: ReadonlyArray<{ keyId: string; slot: number }>) {
    this.calls.push(`release ${slots.length}`);
    for (const s of slots) if (this.row(s.keyId)[s.slot] === holder) this.row(s.keyId)[s.slot] = null;
  }
  async renew(holder: string) {
    this.calls.push('renew');
    if (this.failRenewals) throw new Error('renew failed');
    const out: Array<{ keyId: string; slots: number[]; othersWaiting: number; othersQueued: number }> = [];
    for (const [keyId, r] of this.slots) {
      const mine = r.flatMap((h, i) => (h === holder ? [i] : []));
      const others = [...(this.demand.get(keyId)?.entries() ?? [])].filter(([h]) => h !== holder);
      if (mine.length > 0) out.push({ keyId, slots: mine, othersWaiting: others.length, othersQueued: others.reduce((n, [, w]) => n + w, 0) });
    }
    return out;
  }
  async releaseAll(holder: string) {
    this.calls.push('releaseAll');
    for (const r of this.slots.values()) for (let i = 0; i < r.length; i++) if (r[i] === holder) r[i] = null;
  }
  heldBy(keyId: string, holder: string): number {
    return this.row(keyId).filter((h) => h === holder).length;
  }
}

function setup(options: { observer?: KeyLimitsObserver } = {}) {
  const clock = new ManualClock();
  const leases = new MemoryLeases();
  const rates = { takeToken: async () => ({ allowed: false as const, limit: 1, retryAfterSeconds: 1 }) };
  const events: string[] = [];
  const observer: KeyLimitsObserver = {
    throttled: () => void events.push('throttled'),
    slotAcquired: (source) => void events.push(`acquired:${source}`),
    queued: (outcome, seconds) => void events.push(`queued:${outcome}:${seconds}`),
    ...options.observer,
  };
  const make = (instanceId: string) => {
    const limits = new LeasedKeyLimits(rates, leases, { instanceId, clock, observer, leaseMs: 10_000, heartbeatMs: 1_000, idleMs: 2_000, pollMinMs: 5, pollMaxMs: 100 });
    limits.start();
    return limits;
  };
  return { clock, leases, events, make };
}

async function take(limits: LeasedKeyLimits, key: string, n: number, clock: ManualClock): Promise<Granted[]> {
  const pending = Array.from({ length: n }, () => limits.acquireSlot(key));
  await clock.advance(0);
  return (await Promise.all(pending)) as Granted[];
}

describe('LeasedKeyLimits', () => {
  it('claims a slot once, then reuses it without a round trip; an idle slot goes back after idleMs', async () => {
    const { clock, leases, make, events } = setup();
    const a = make('a');
    const [first] = await take(a, 'k', 1, clock);
    first!.release();
    for (let i = 0; i < 100; i++) (await a.acquireSlot('k') as Granted).release();
    expect(leases.calls).toEqual(['claim 1/1']);
    expect(events.filter((e) => e === 'acquired:local')).toHaveLength(100);
    expect(leases.heldBy('k', 'a')).toBe(1);
    await clock.advance(3_500);
    expect(leases.heldBy('k', 'a')).toBe(0);
    expect(a.heldSlots('k')).toBe(0);
  });

  it('claims the slots of simultaneous requests in one round trip', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    await take(a, 'k', 30, clock);
    expect(leases.calls).toEqual(['claim 30/30']);
  });

  it('holds at most 50 per key, serves waiters first-in first-out, other keys unaffected', async () => {
    const { clock, make, events } = setup();
    const a = make('a');
    const held = await take(a, 'k', 50, clock);
    const order: number[] = [];
    const waiting = Array.from({ length: 5 }, (_, i) => a.acquireSlot('k').then((d) => (order.push(i), d)));
    await clock.advance(50);
    expect(order).toEqual([]);
    expect((await take(a, 'other', 1, clock))[0]!.acquired).toBe(true);
    await clock.advance(10);
    for (const d of held.slice(0, 5).reverse()) d.release();
    await clock.advance(0);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect((await Promise.all(waiting)).every((d) => d.acquired)).toBe(true);
    expect(events.filter((e) => e.startsWith('queued:acquired:')).map((e) => Number(e.split(':')[2]))).toEqual([0.06, 0.06, 0.06, 0.06, 0.06]);
  });

  it('answers queue_timeout after 30 s and queue_full at once when 1,000 wait', async () => {
    const { clock, make, events } = setup();
    const a = make('a');
    await take(a, 'k', 50, clock);
    const waiting = Array.from({ length: 1_000 }, () => a.acquireSlot('k'));
    expect(await a.acquireSlot('k')).toEqual({ acquired: false, reason: 'queue_full' });
    await clock.advance(29_999);
    expect(a.waiting('k')).toBe(1_000);
    await clock.advance(1);
    expect((await Promise.all(waiting)).every((d) => !d.acquired && d.reason === 'queue_timeout')).toBe(true);
    expect(events.filter((e) => e === 'queued:queue_timeout:30')).toHaveLength(1_000);
    expect(events.filter((e) => e === 'queued:queue_full:0')).toHaveLength(1);
  });

  it('counts the requests other gateways hold waiting against the 1,000 of the key', async () => {
    const { clock, make } = setup();
    const a = make('a');
    const b = make('b');
    await take(a, 'k', 50, clock);
    const aWaiting = Array.from({ length: 900 }, () => a.acquireSlot('k'));
    await clock.advance(10); // a's claim came back short: its 900 waiting are recorded
    const bWaiting = Array.from({ length: 50 }, () => b.acquireSlot('k'));
    await clock.advance(10); // b's claim tells it about a's 900
    const more = Array.from({ length: 60 }, () => b.acquireSlot('k'));
    const refused = (await Promise.all(more.map((p) => Promise.race([p, Promise.resolve(null)])))).filter((d) => d && !d.acquired && d.reason === 'queue_full');
    expect(refused).toHaveLength(10);
    expect(b.waiting('k')).toBe(100);
    void aWaiting;
    void bWaiting;
  });

  it('gives slots back down to a fair share when another gateway waits, and the waiting one gets them', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    const b = make('b');
    const heldByA = await take(a, 'k', 50, clock);
    // a keeps 50 requests waiting of its own; b wants 20.
    const aWaiting = Array.from({ length: 50 }, () => a.acquireSlot('k'));
    const bWaiting = Array.from({ length: 20 }, () => b.acquireSlot('k'));
    await clock.advance(1_000); // a's heartbeat learns of b's demand
    for (const d of heldByA) d.release();
    await clock.advance(500);
    const bGot = (await Promise.all(bWaiting)).filter((d) => d.acquired).length;
    expect(bGot).toBe(20);
    expect(leases.heldBy('k', 'a') + leases.heldBy('k', 'b')).toBeLessThanOrEqual(50);
    expect(leases.heldBy('k', 'a')).toBeGreaterThanOrEqual(25);
    void aWaiting;
  });

  it('stops using a slot whose lease was lost (not renewed) and claims anew', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    const [d] = await take(a, 'k', 1, clock);
    // Someone else holds it now (the lease ran out while this gateway stalled).
    leases.slots.get('k')![0] = 'other';
    await clock.advance(1_000);
    expect(a.heldSlots('k')).toBe(0);
    d!.release();
    const again = await take(a, 'k', 1, clock);
    expect(again[0]!.acquired).toBe(true);
    expect(leases.slots.get('k')![0]).toBe('other');
    expect(leases.heldBy('k', 'a')).toBe(1);
  });

  it('drops every lease when renewals failed for the lease length', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    const [d] = await take(a, 'k', 1, clock);
    d!.release();
    leases.failRenewals = true;
    await clock.advance(1_000);
    expect(a.heldSlots('k')).toBe(1);
    await clock.advance(9_000);
    expect(a.heldSlots('k')).toBe(0);
  });

  it('fails the waiters with the database error when a claim fails', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    leases.failClaims = true;
    const p = a.acquireSlot('k');
    await clock.advance(0);
    await expect(p).rejects.toThrow('ECONNREFUSED');
  });

  it('gives everything back on stop and refuses whoever waits', async () => {
    const { clock, leases, make } = setup();
    const a = make('a');
    await take(a, 'k', 50, clock);
    const waiting = a.acquireSlot('k');
    await clock.advance(10);
    await a.stop();
    expect(await waiting).toEqual({ acquired: false, reason: 'queue_timeout' });
    expect(leases.heldBy('k', 'a')).toBe(0);
    expect(leases.calls).toContain('releaseAll');
  });

  it('counts a refused token as throttled', async () => {
    const { make, events } = setup();
    expect((await make('a').takeToken('k', 1)).allowed).toBe(false);
    expect(events).toEqual(['throttled']);
  });
});

describe('rateDecision', () => {
  it('reports whole tokens left after the request and whole seconds until one token', () => {
    // R = 10, TAT 0.35 s ahead of now: 0.65 s of the window free = 6 whole tokens.
    expect(rateDecision(10, { tat: 100.35, checked_at: 100, allowed: true })).toEqual({ allowed: true, limit: 10, remaining: 6 });
    expect(rateDecision(10, { tat: 101, checked_at: 100, allowed: true })).toEqual({ allowed: true, limit: 10, remaining: 0 });
    expect(rateDecision(1, { tat: 101, checked_at: 100, allowed: true })).toEqual({ allowed: true, limit: 1, remaining: 0 });
    expect(rateDecision(10, { tat: 100.95, checked_at: 100, allowed: false })).toEqual({ allowed: false, limit: 10, retryAfterSeconds: 1 });
    expect(rateDecision(1, { tat: 101, checked_at: 100.2, allowed: false })).toEqual({ allowed: false, limit: 1, retryAfterSeconds: 1 });
  });
});
