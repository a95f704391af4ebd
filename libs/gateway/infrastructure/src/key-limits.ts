/**
 * Per-key rate limit and concurrency across gateway instances (limits-and-versioning.md §3–§4),
 * the `KeyLimits` port of the pipeline's steps 6–7, on the gateway's PostgreSQL (tables of the
 * GatewayKeyLimits migration). No Redis: what is shared is small and lives in UNLOGGED tables.
 *
 * Rate limit (§4): GCRA, equivalent to a token bucket of capacity R refilled at R/s. One row per
 * key holds its theoretical arrival time (TAT) on the database's clock (gateway clocks differ);
 * one `INSERT … ON CONFLICT DO UPDATE … RETURNING` decides, takes the token and reports what is
 * left: one round trip per request of a rate-limited key, none for other keys.
 *
 * Concurrency (§3): each key has 50 slot rows `(key_id, slot)`. A gateway leases slots — holder =
 * its instance id, `lease_until` on the database's clock — claimed with `FOR UPDATE SKIP LOCKED`,
 * so the slots held across all gateways never exceed 50. A gateway keeps leased slots while they
 * are busy or recently used and hands a released slot straight to its next local waiter (FIFO)
 * or keeps it idle for the next request of the key: a key's steady traffic on one gateway costs
 * no round trip per request. A heartbeat renews the instance's leases (one statement for all
 * keys); a gateway that dies stops renewing and its slots become claimable when their lease runs
 * out. A gateway that cannot get enough slots records its demand; the holders learn it from their
 * claims and heartbeats and give slots back down to a fair share instead of reusing them.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { KeyLimits, RateDecision, SlotDecision } from '@datamingle/gateway-domain';
import { poolOf } from '@datamingle/read-model';

/** limits-and-versioning.md §3. */
export const MAX_IN_FLIGHT_PER_KEY = 50;
export const MAX_WAITING_PER_KEY = 1_000;
export const MAX_QUEUE_WAIT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Rate limit (GCRA)
// ---------------------------------------------------------------------------------------------

/**
 * One statement: the database's clock read once (`c.now`, epoch seconds); a key's first request
 * inserts TAT = now + 1/R. Otherwise, with T = 1/R, the request is admitted iff
 * max(TAT, now) + T ≤ now + 1 s (a bucket of R tokens holds one second of emissions); admitted →
 * TAT moves by T, refused → TAT stays. `allowed` and `checked_at` are kept in the row so that
 * RETURNING reports the decision (RETURNING sees the new row only). The 1 µs slack absorbs the
 * rounding of R additions of 1/R.
 */
const TAKE_TOKEN_SQL = `INSERT INTO gateway.key_rate_limits AS r (key_id, tat, checked_at, allowed)
  SELECT $1::uuid, c.now + 1.0 / $2::float8, c.now, true FROM (SELECT extract(epoch FROM clock_timestamp())::float8 AS now) c
  ON CONFLICT (key_id) DO UPDATE SET
    tat = CASE WHEN greatest(r.tat, EXCLUDED.checked_at) + 1.0 / $2::float8 <= EXCLUDED.checked_at + 1.000001
               THEN greatest(r.tat, EXCLUDED.checked_at) + 1.0 / $2::float8 ELSE r.tat END,
    allowed = greatest(r.tat, EXCLUDED.checked_at) + 1.0 / $2::float8 <= EXCLUDED.checked_at + 1.000001,
    checked_at = EXCLUDED.checked_at
  RETURNING tat, checked_at, allowed`;

/** The decision of one GCRA row as returned by TAKE_TOKEN_SQL. */
export function rateDecision(ratePerSecond: number, row: { tat: number; checked_at: number; allowed: boolean }): RateDecision {
  const emission = 1 / ratePerSecond;
  // Seconds of the one-second window still free after this request, in whole tokens.
  const free = row.checked_at + 1 - row.tat;
  if (row.allowed) return { allowed: true, limit: ratePerSecond, remaining: Math.max(0, Math.min(ratePerSecond - 1, Math.floor(free * ratePerSecond + 1e-6))) };
  // One token is available once max(TAT, now) + T ≤ now + 1.
  const wait = row.tat + emission - (row.checked_at + 1);
  return { allowed: false, limit: ratePerSecond, retryAfterSeconds: Math.max(1, Math.ceil(wait - 1e-6)) };
}

// ---------------------------------------------------------------------------------------------
// Slot leases (the database side)
// ---------------------------------------------------------------------------------------------

/** What other gateway instances want of a key: how many of them wait for slots, and how many requests they hold waiting. */
export interface OthersDemand {
  othersWaiting: number;
  othersQueued: number;
}

/** What the lease manager asks of the database. */
export interface SlotLeaseStore {
  /**
   * Claims up to `claim` free (or expired) slots of the key for `holder`, leased for `leaseMs`.
   * `wanting` = slots this holder's waiters need: when it got fewer, its demand is recorded (else
   * cleared). Returns the slots claimed and the OTHER holders' current demand for the key.
   */
  claim(keyId: string, holder: string, claim: number, wanting: number, leaseMs: number): Promise<{ slots: number[] } & OthersDemand>;
  /** Gives slots back (only those still held by `holder`). */
  release(holder: string, slots: ReadonlyArray<{ keyId: string; slot: number }>): Promise<void>;
  /** Renews every lease of `holder`; returns, per key, the slots it still holds and the other holders waiting for that key. */
  renew(holder: string, leaseMs: number): Promise<Array<{ keyId: string; slots: number[] } & OthersDemand>>;
  /** Gives back every slot of `holder` and clears its demand (graceful shutdown). */
  releaseAll(holder: string): Promise<void>;
}

const CLAIM_SQL = `SELECT claimed, others, others_queued FROM gateway.claim_key_slots($1::uuid, $2::text, $3::integer, $4::integer, $5::integer)`;
const RELEASE_SQL = `UPDATE gateway.key_slots s SET holder = NULL, lease_until = NULL
  FROM unnest($2::uuid[], $3::smallint[]) AS r(key_id, slot)
  WHERE s.key_id = r.key_id AND s.slot = r.slot AND s.holder = $1`;
const RENEW_SQL = `SELECT key_id, slots, others, others_queued FROM gateway.renew_key_slot_leases($1::text, $2::integer)`;

/** The SQL of the rate limit and the slot leases on the gateway's database. */
export class PgKeyLimitsStore implements SlotLeaseStore {
  private readonly pool: Pool;

  constructor(ds: DataSource | Pool) {
    this.pool = 'driver' in ds ? poolOf(ds) : ds;
  }

  async takeToken(keyId: string, ratePerSecond: number): Promise<RateDecision> {
    const { rows } = await this.pool.query({ name: 'gateway-key-take-token', text: TAKE_TOKEN_SQL, values: [keyId, ratePerSecond] });
    return rateDecision(ratePerSecond, rows[0]);
  }

  async claim(keyId: string, holder: string, claim: number, wanting: number, leaseMs: number): Promise<{ slots: number[] } & OthersDemand> {
    const { rows } = await this.pool.query({ name: 'gateway-key-claim-slots', text: CLAIM_SQL, values: [keyId, holder, claim, wanting, leaseMs] });
    return { slots: rows[0].claimed as number[], othersWaiting: rows[0].others as number, othersQueued: rows[0].others_queued as number };
  }

  async release(holder: string, slots: ReadonlyArray<{ keyId: string; slot: number }>): Promise<void> {
    if (slots.length === 0) return;
    await this.pool.query({
      name: 'gateway-key-release-slots',
      text: RELEASE_SQL,
      values: [holder, slots.map((s) => s.keyId), slots.map((s) => s.slot)],
    });
  }

  async renew(holder: string, leaseMs: number): Promise<Array<{ keyId: string; slots: number[] } & OthersDemand>> {
    const { rows } = await this.pool.query({ name: 'gateway-key-renew-slots', text: RENEW_SQL, values: [holder, leaseMs] });
    return rows.map((r: { key_id: string; slots: number[]; others: number; others_queued: number }) => ({
      keyId: r.key_id,
      slots: r.slots,
      othersWaiting: r.others,
      othersQueued: r.others_queued,
    }));
  }

  async releaseAll(holder: string): Promise<void> {
    await this.pool.query(`UPDATE gateway.key_slots SET holder = NULL, lease_until = NULL WHERE holder = $1`, [holder]);
    await this.pool.query(`DELETE FROM gateway.key_slot_demand WHERE holder = $1`, [holder]);
  }
}

// ---------------------------------------------------------------------------------------------
// The lease manager (process side)
// ---------------------------------------------------------------------------------------------

/** Timers and a monotonic clock, injectable for tests. */
export interface LimitsClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemLimitsClock: LimitsClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type QueueOutcome = 'acquired' | 'queue_timeout' | 'queue_full';

/** What the manager reports (metrics). Every method is optional. */
export interface KeyLimitsObserver {
  /** A request refused by the rate limit (429). */
  throttled?(): void;
  /** A slot taken: `local` = an idle slot this gateway already leased (no round trip), `database` = after a claim. */
  slotAcquired?(source: 'local' | 'database'): void;
  /** A request that had to wait for a slot: how it ended and how long it waited. */
  queued?(outcome: QueueOutcome, waitSeconds: number): void;
  /** One statement of the slot leases sent to the database. */
  roundTrip?(operation: 'claim' | 'release' | 'renew'): void;
  /** A failure in the background (heartbeat, release): logged, never thrown. */
  backgroundError?(operation: 'release' | 'renew', error: unknown): void;
}

export interface KeyLimitsOptions {
  /** This gateway instance's id (the holder of its leases): a new one per process. */
  instanceId?: string;
  clock?: LimitsClock;
  observer?: KeyLimitsObserver;
  /** Lease length: a dead gateway's slots are claimable at most this long after its last renewal. */
  leaseMs?: number;
  /** Renewal period of the leases (also when holders learn of other gateways' demand). */
  heartbeatMs?: number;
  /** A leased slot unused this long goes back to the database. */
  idleMs?: number;
  /** Retry of a claim that came back short: starts here and doubles… */
  pollMinMs?: number;
  /** …up to this. */
  pollMaxMs?: number;
  maxInFlight?: number;
  maxWaiting?: number;
  maxWaitMs?: number;
}

export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_HEARTBEAT_MS = 1_000;
export const DEFAULT_IDLE_MS = 2_000;
export const DEFAULT_POLL_MIN_MS = 5;
export const DEFAULT_POLL_MAX_MS = 100;

interface Slot {
  readonly n: number;
  /** The heartbeat tick when the claim's answer arrived (a renewal sent later must see it). */
  readonly tick: number;
  idleSince: number;
  lost: boolean;
}

interface Waiter {
  readonly since: number;
  readonly resolve: (d: SlotDecision) => void;
  readonly reject: (e: unknown) => void;
  timer: unknown;
  /** Waited for slots held by others (not only for this gateway's own claim round trip). */
  contended: boolean;
}

interface KeyState {
  readonly keyId: string;
  /** Every slot this gateway holds a lease on (idle and busy). */
  readonly held: Set<Slot>;
  /** Held and unused; the last one used is reused first. */
  readonly idle: Slot[];
  busy: number;
  readonly waiters: Waiter[];
  claiming: boolean;
  pollTimer: unknown;
  pollMs: number;
  /** Other gateways wanting slots of this key (from the last claim or renewal)… */
  othersWaiting: number;
  /** …and the requests they hold waiting (counted against the 1,000 waiting per key). */
  othersQueued: number;
}

/**
 * The `KeyLimits` of one gateway process: the rate limit straight on the database, the
 * concurrency slots through leases kept in process (see the module comment).
 */
export class LeasedKeyLimits implements KeyLimits {
  readonly instanceId: string;
  private readonly clock: LimitsClock;
  private readonly observer: KeyLimitsObserver;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly idleMs: number;
  private readonly pollMinMs: number;
  private readonly pollMaxMs: number;
  private readonly maxInFlight: number;
  private readonly maxWaiting: number;
  private readonly maxWaitMs: number;
  private readonly keys = new Map<string, KeyState>();
  private pendingRelease: Array<{ keyId: string; slot: number }> = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private heartbeatTimer: unknown = null;
  private heartbeatRunning: Promise<void> | null = null;
  private tick = 0;
  private lastRenewedAt: number;
  private stopped = false;

  constructor(
    private readonly rates: Pick<PgKeyLimitsStore, 'takeToken'>,
    private readonly leases: SlotLeaseStore,
    options: KeyLimitsOptions = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.clock = options.clock ?? systemLimitsClock;
    this.observer = options.observer ?? {};
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.pollMinMs = options.pollMinMs ?? DEFAULT_POLL_MIN_MS;
    this.pollMaxMs = options.pollMaxMs ?? DEFAULT_POLL_MAX_MS;
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT_PER_KEY;
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING_PER_KEY;
    this.maxWaitMs = options.maxWaitMs ?? MAX_QUEUE_WAIT_MS;
    this.lastRenewedAt = this.clock.now();
  }

  /** Starts the heartbeat (renewal of leases, return of idle slots). */
  start(): void {
    if (this.heartbeatTimer !== null || this.stopped) return;
    this.lastRenewedAt = this.clock.now();
    this.scheduleHeartbeat();
  }

  /** Graceful shutdown: waiting requests are refused, every lease of this instance is given back. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeatTimer !== null) this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const st of this.keys.values()) {
      if (st.pollTimer !== null) this.clock.clearTimeout(st.pollTimer);
      st.pollTimer = null;
      for (const w of st.waiters.splice(0)) this.refuse(w, 'queue_timeout');
    }
    await this.heartbeatRunning?.catch(() => undefined);
    await this.flushing;
    this.pendingRelease = [];
    this.keys.clear();
    await this.leases.releaseAll(this.instanceId);
  }

  /** Stops every timer without giving anything back: what a SIGKILL leaves behind (tests). */
  abandon(): void {
    this.stopped = true;
    if (this.heartbeatTimer !== null) this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const st of this.keys.values()) if (st.pollTimer !== null) this.clock.clearTimeout(st.pollTimer);
  }

  async takeToken(keyId: string, ratePerSecond: number): Promise<RateDecision> {
    const decision = await this.rates.takeToken(keyId, ratePerSecond);
    if (!decision.allowed) this.observer.throttled?.();
    return decision;
  }

  acquireSlot(keyId: string): Promise<SlotDecision> {
    if (this.stopped) return Promise.resolve({ acquired: false, reason: 'queue_timeout' });
    const st = this.state(keyId);
    // The hot path: an idle slot already leased, nobody ahead of this request.
    if (st.waiters.length === 0 && st.idle.length > 0) {
      this.observer.slotAcquired?.('local');
      return Promise.resolve(this.grant(st, st.idle.pop()!));
    }
    // 1,000 waiting per key across the gateways: this one's waiters and those the others last reported.
    if (st.waiters.length + st.othersQueued >= this.maxWaiting) {
      this.observer.queued?.('queue_full', 0);
      return Promise.resolve({ acquired: false, reason: 'queue_full' });
    }
    return new Promise<SlotDecision>((resolve, reject) => {
      // Contended: every slot it may hold is busy, or it queues behind requests that are.
      const contended = st.held.size >= this.maxInFlight || (st.waiters.at(-1)?.contended ?? false);
      const waiter: Waiter = { since: this.clock.now(), resolve, reject, timer: null, contended };
      waiter.timer = this.clock.setTimeout(() => this.timeOut(st, waiter), this.maxWaitMs);
      st.waiters.push(waiter);
      this.requestSlots(st);
    });
  }

  /** Slots this instance holds now (tests, diagnostics). */
  heldSlots(keyId: string): number {
    return this.keys.get(keyId)?.held.size ?? 0;
  }

  waiting(keyId: string): number {
    return this.keys.get(keyId)?.waiters.length ?? 0;
  }

  // ---- internals ----

  private state(keyId: string): KeyState {
    let st = this.keys.get(keyId);
    if (!st) {
      st = { keyId, held: new Set(), idle: [], busy: 0, waiters: [], claiming: false, pollTimer: null, pollMs: this.pollMinMs, othersWaiting: 0, othersQueued: 0 };
      this.keys.set(keyId, st);
    }
    return st;
  }

  private grant(st: KeyState, slot: Slot): SlotDecision {
    st.busy++;
    let released = false;
    return {
      acquired: true,
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot(st, slot);
      },
    };
  }

  private refuse(w: Waiter, reason: 'queue_timeout' | 'queue_full'): void {
    this.clock.clearTimeout(w.timer);
    this.observer.queued?.(reason, (this.clock.now() - w.since) / 1000);
    w.resolve({ acquired: false, reason });
  }

  private timeOut(st: KeyState, w: Waiter): void {
    const i = st.waiters.indexOf(w);
    if (i < 0) return;
    st.waiters.splice(i, 1);
    this.refuse(w, 'queue_timeout');
    this.forgetIfUnused(st);
  }

  /** Hands `slot` to the first waiter. */
  private serve(st: KeyState, slot: Slot, source: 'local' | 'database'): void {
    const w = st.waiters.shift()!;
    this.clock.clearTimeout(w.timer);
    this.observer.slotAcquired?.(source);
    if (w.contended) this.observer.queued?.('acquired', (this.clock.now() - w.since) / 1000);
    w.resolve(this.grant(st, slot));
  }

  /** The most slots this instance should hold while other gateways wait for the key. */
  private fairShare(st: KeyState): number {
    return Math.max(1, Math.ceil(this.maxInFlight / (1 + st.othersWaiting)));
  }

  private releaseSlot(st: KeyState, slot: Slot): void {
    st.busy--;
    if (slot.lost || this.stopped) {
      // A lost lease is someone else's by now; after stop() every lease was given back.
      this.forgetIfUnused(st);
      return;
    }
    if (st.othersWaiting > 0 && (st.waiters.length === 0 || st.held.size > this.fairShare(st))) {
      this.giveBack(st, slot);
      // This gateway's own waiters now get slots through the database, like the others'.
      if (st.waiters.length > 0) this.requestSlots(st);
      return;
    }
    if (st.waiters.length > 0) return this.serve(st, slot, 'local');
    slot.idleSince = this.clock.now();
    st.idle.push(slot);
  }

  private giveBack(st: KeyState, slot: Slot): void {
    st.held.delete(slot);
    const i = st.idle.indexOf(slot);
    if (i >= 0) st.idle.splice(i, 1);
    this.pendingRelease.push({ keyId: st.keyId, slot: slot.n });
    this.scheduleFlush();
    this.forgetIfUnused(st);
  }

  /** Releases go out together: one statement for every slot given back in the same turn. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.clock.setTimeout(() => {
      this.flushScheduled = false;
      const batch = this.pendingRelease;
      this.pendingRelease = [];
      if (batch.length === 0) return;
      this.observer.roundTrip?.('release');
      // A failed release is not retried: those leases run out by themselves (leaseMs).
      this.flushing = this.flushing.then(() => this.leases.release(this.instanceId, batch).catch((e: unknown) => this.observer.backgroundError?.('release', e)));
    }, 0);
  }

  /** Claims slots for the waiters, unless a claim or a retry is already on its way. */
  private requestSlots(st: KeyState): void {
    if (st.claiming || st.pollTimer !== null || this.stopped) return;
    // After the current turn: requests arriving together share one claim.
    st.claiming = true;
    queueMicrotask(() => {
      st.claiming = false;
      void this.claim(st);
    });
  }

  private async claim(st: KeyState): Promise<void> {
    const wanting = st.waiters.length;
    if (wanting === 0) return this.forgetIfUnused(st);
    let room = this.maxInFlight - st.held.size;
    if (st.othersWaiting > 0) room = Math.min(room, this.fairShare(st) - st.held.size);
    const n = Math.max(0, Math.min(wanting, room));
    st.claiming = true;
    let result: { slots: number[] } & OthersDemand;
    try {
      this.observer.roundTrip?.('claim');
      result = await this.leases.claim(st.keyId, this.instanceId, n, wanting, this.leaseMs);
    } catch (error) {
      st.claiming = false;
      // The database cannot be asked: the waiters fail now (503 with Retry-After 30 via the
      // pipeline's handling of an unavailable backend) rather than after 30 s.
      for (const w of st.waiters.splice(0)) {
        this.clock.clearTimeout(w.timer);
        w.reject(error);
      }
      this.forgetIfUnused(st);
      return;
    }
    st.claiming = false;
    st.othersWaiting = result.othersWaiting;
    st.othersQueued = result.othersQueued;
    if (this.stopped) {
      if (result.slots.length > 0) {
        this.pendingRelease.push(...result.slots.map((slot) => ({ keyId: st.keyId, slot })));
        await this.leases.release(this.instanceId, this.pendingRelease.splice(0)).catch(() => undefined);
      }
      return;
    }
    for (const n of result.slots) {
      const slot: Slot = { n, tick: this.tick, idleSince: this.clock.now(), lost: false };
      st.held.add(slot);
      if (st.waiters.length > 0) this.serve(st, slot, 'database');
      else st.idle.push(slot);
    }
    if (st.waiters.length === 0) {
      st.pollMs = this.pollMinMs;
      return;
    }
    if (result.slots.length === n && n === wanting) {
      // Everyone asked for was served; these waiters arrived during the round trip.
      void this.claim(st);
      return;
    }
    // Not enough free slots: mark everyone still waiting as contended, retry with backoff.
    for (const w of st.waiters) w.contended = true;
    st.pollMs = result.slots.length > 0 ? this.pollMinMs : Math.min(this.pollMaxMs, st.pollMs * 2);
    st.pollTimer = this.clock.setTimeout(() => {
      st.pollTimer = null;
      if (st.waiters.length > 0) void this.claim(st);
    }, st.pollMs);
  }

  /** A key with nothing held, busy or waiting is forgotten. */
  private forgetIfUnused(st: KeyState): void {
    if (st.held.size === 0 && st.busy === 0 && st.waiters.length === 0 && !st.claiming && st.pollTimer === null) this.keys.delete(st.keyId);
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = null;
      this.heartbeatRunning = this.heartbeat().finally(() => {
        this.heartbeatRunning = null;
        if (!this.stopped) this.scheduleHeartbeat();
      });
    }, this.heartbeatMs);
  }

  /** Renews the leases (if any), learns of other gateways' demand, drops lost leases, returns idle slots. */
  async heartbeat(): Promise<void> {
    const started = this.clock.now();
    const tick = ++this.tick;
    const holding = [...this.keys.values()].some((st) => st.held.size > 0);
    if (holding) {
      try {
        this.observer.roundTrip?.('renew');
        const renewed = await this.leases.renew(this.instanceId, this.leaseMs);
        if (this.stopped) return;
        this.lastRenewedAt = started;
        const byKey = new Map(renewed.map((r) => [r.keyId, r]));
        for (const st of this.keys.values()) {
          const r = byKey.get(st.keyId);
          st.othersWaiting = r?.othersWaiting ?? 0;
          st.othersQueued = r?.othersQueued ?? 0;
          const still = new Set(r?.slots ?? []);
          // A slot claimed before this renewal was sent and not renewed is someone else's now.
          for (const slot of [...st.held]) if (slot.tick < tick && !still.has(slot.n)) this.lose(st, slot);
        }
      } catch (error) {
        this.observer.backgroundError?.('renew', error);
        // Leases not renewed for (almost) their whole length may be claimed by others: stop using them.
        if (this.clock.now() - this.lastRenewedAt >= this.leaseMs - this.heartbeatMs) {
          for (const st of this.keys.values()) for (const slot of [...st.held]) this.lose(st, slot);
        }
      }
    } else {
      this.lastRenewedAt = started;
    }
    const now = this.clock.now();
    for (const st of [...this.keys.values()]) {
      for (const slot of [...st.idle]) if (st.othersWaiting > 0 || now - slot.idleSince >= this.idleMs) this.giveBack(st, slot);
      this.forgetIfUnused(st);
    }
  }

  private lose(st: KeyState, slot: Slot): void {
    slot.lost = true;
    st.held.delete(slot);
    const i = st.idle.indexOf(slot);
    if (i >= 0) st.idle.splice(i, 1);
    if (st.waiters.length > 0) this.requestSlots(st);
    this.forgetIfUnused(st);
  }
}

/** The gateway's KeyLimits on its database. */
export function createKeyLimits(ds: DataSource | Pool, options: KeyLimitsOptions = {}): LeasedKeyLimits {
  const store = new PgKeyLimitsStore(ds);
  return new LeasedKeyLimits(store, store, options);
}
