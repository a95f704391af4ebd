import type { SecurityEvent } from '@datamingle/gateway-domain';
import type { SecurityEventAggregate, SecurityEventRecord } from '@datamingle/gateway-infrastructure';
import { outsideTrace } from '@datamingle/platform';

/** The store methods the recorder writes through (GatewayStore implements them). */
export interface SecurityEventSink {
  insertSecurityEvents(events: readonly SecurityEventRecord[]): Promise<void>;
  upsertSecurityEventAggregates(aggregates: readonly SecurityEventAggregate[]): Promise<void>;
  /**
   * Every existing tenant slug. Optional: with it, hosts that name no existing tenant share one
   * bucket per address, reason and minute, so inventing host names does not multiply the rows.
   */
  tenantSlugs?(): Promise<readonly string[]>;
}

export interface SecurityEventRecorderOptions {
  /** Milliseconds since the epoch; injectable for tests. Decides when a minute has ended. */
  now?: () => number;
  /** Events of one bucket stored one by one before the rest is counted (auth-and-keys.md §9: 100). */
  individualPerBucket?: number;
  /** Queued individual events are written at least this often (ms). */
  flushIntervalMs?: number;
  /** ...or as soon as this many are queued; also the most rows one INSERT carries. */
  batchSize?: number;
  /** Counts of buckets still in their minute are written this often (ms), so they are visible soon. */
  aggregateIntervalMs?: number;
  /** A bucket is final this long after its minute ended (ms): late events of the minute still count. */
  minuteGraceMs?: number;
  /** Most (host, address, reason, minute) buckets tracked at once. */
  maxBuckets?: number;
  /** Further buckets (host, reason, minute, any address) beyond maxBuckets; past both, events are dropped. */
  maxOverflowBuckets?: number;
  /** Most individual events waiting to be written; past it, an event is counted in its bucket's aggregate instead. */
  maxQueued?: number;
  /** Tries of one write before its events are dropped (with a warn log). */
  maxAttempts?: number;
  /** How often the tenant slugs are re-read (ms). */
  tenantRefreshMs?: number;
  /** ...and at most this often when a host named a slug that was not a tenant's at the last read (ms). */
  tenantMissRefreshMs?: number;
  /**
   * Hosts not (yet) known as tenants that get buckets of their own, per address, reason and
   * minute (a tenant created since the last read is one of them); the events of further such
   * hosts share one bucket without a tenant.
   */
  maxUnknownHostsPerSource?: number;
  /** Longest wait of stop() for the final writes (ms); what is left then is dropped with a warn log. */
  stopTimeoutMs?: number;
}

/** What the recorder has done since it started (for logs, tests and operations). */
export interface SecurityEventRecorderStats {
  recorded: number;
  storedIndividually: number;
  aggregated: number;
  /** Events lost: writes that failed maxAttempts times, events past every cap, events after stop(). */
  dropped: number;
  buckets: number;
  queued: number;
}

interface RecorderLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Overflow of one bucket not yet written: a delta added to the bucket's aggregate row. */
interface Pending {
  count: number;
  firstAt: number;
  lastAt: number;
  requestId: string;
  method: string;
  path: string;
  keyId: string | null;
  keyName: string | null;
  /** Events of several keys (or with and without a key): the aggregate names no key. */
  mixedKeys: boolean;
}

interface Bucket {
  aggregateKey: string;
  /** Start of the minute (ms since the epoch). */
  minute: number;
  tenantId: string | null;
  /** The host's tenant slug; null for hosts that name no (existing) tenant. */
  tenantSlug: string | null;
  /** null with `anyAddress`: the bucket counts events of addresses past the bucket cap. */
  clientIp: string | null;
  anyAddress: boolean;
  /** Set for a bucket of its own for a host not known as a tenant: its (minute, address, reason). */
  unknownSource: string | null;
  reason: SecurityEvent['reason'];
  /** Events of this bucket seen by this process. */
  seen: number;
  pending: Pending | null;
  /** Failed writes of `pending` so far. */
  failures: number;
}

interface Batch {
  events: SecurityEventRecord[];
  attempts: number;
}

const MINUTE = 60_000;

/**
 * Records authentication-layer security events with bounded volume (auth-and-keys.md §9). For
 * one tenant host, client address and reason, the first 100 events of a minute are stored one by
 * one (each findable by its request_id); the rest of that minute becomes ONE aggregate row with
 * `count`, `first_at` and `last_at`.
 *
 * In memory, per process: a counter per bucket (host's tenant slug, client address, reason,
 * minute of `occurredAt`). Events 1–100 of a bucket are queued and written as one multi-row
 * INSERT at least every second (or when 500 are queued); events beyond are counted and written
 * as the bucket's aggregate, an upsert that adds to the row, every few seconds and when the
 * minute ends; then the bucket is forgotten.
 *
 * Several gateway processes: each counts on its own, so each stores up to 100 individual events
 * per bucket (N gateways → up to N×100, the spec's "about 100"), while the overflow of all of
 * them merges into ONE aggregate row: the aggregate key is derived from the bucket alone, and the
 * upsert adds counts (ON CONFLICT ... DO UPDATE SET count = count + excluded.count).
 *
 * Bounded: at most maxBuckets buckets; events of a further address are counted in an aggregate
 * of their host, reason and minute for any address (client_ip NULL) — at most maxOverflowBuckets
 * of those; past both caps events are dropped and the drops counted in a warn log. At most
 * maxQueued individual events wait; past that, an event is counted in its bucket's aggregate
 * instead of being stored on its own. Made-up host names do not multiply the rows: the tenant
 * slugs are read every 30 s (within 5 s after a host named an unknown one); per address, reason
 * and minute, at most 3 hosts that are not known tenants get buckets of their own (so a tenant
 * created since the last read is bucketed as the spec says), and all further ones share one
 * bucket whose aggregate belongs to no tenant. Individual rows always get the tenant the host
 * names, resolved when written. The pool sees one write at a time: never concurrent flushes. A failed write
 * is retried on the next flushes and dropped with a warn log after maxAttempts tries. Events
 * never contain the submitted key value, and logs carry counts only.
 */
export class SecurityEventRecorder {
  private readonly now: () => number;
  private readonly individualPerBucket: number;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly aggregateIntervalMs: number;
  private readonly minuteGraceMs: number;
  private readonly maxBuckets: number;
  private readonly maxOverflowBuckets: number;
  private readonly maxQueued: number;
  private readonly maxAttempts: number;
  private readonly tenantRefreshMs: number;
  private readonly tenantMissRefreshMs: number;
  private readonly maxUnknownHostsPerSource: number;
  private readonly stopTimeoutMs: number;

  private readonly buckets = new Map<string, Bucket>();
  private overflowBuckets = 0;
  private queue: SecurityEventRecord[] = [];
  /** A batch whose write failed, retried before anything newer. */
  private retry: Batch | null = null;
  private knownTenants: Set<string> | null = null;
  private tenantsReadAt = Number.NEGATIVE_INFINITY;
  /** A host named a slug missing from knownTenants: re-read soon. */
  private tenantMissed = false;
  /** Buckets of hosts not known as tenants, per (minute, address, reason). */
  private readonly unknownHosts = new Map<string, number>();
  private aggregatesWrittenAt: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failedAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private abandoned = false;
  private droppedUnlogged = 0;
  private readonly counts = { recorded: 0, storedIndividually: 0, aggregated: 0, dropped: 0 };

  constructor(
    private readonly store: SecurityEventSink,
    private readonly logger: RecorderLogger,
    options: SecurityEventRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.individualPerBucket = options.individualPerBucket ?? 100;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 500;
    this.aggregateIntervalMs = options.aggregateIntervalMs ?? 5_000;
    this.minuteGraceMs = options.minuteGraceMs ?? 2_000;
    this.maxBuckets = options.maxBuckets ?? 10_000;
    this.maxOverflowBuckets = options.maxOverflowBuckets ?? 1_000;
    this.maxQueued = options.maxQueued ?? 5_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.tenantRefreshMs = options.tenantRefreshMs ?? 30_000;
    this.tenantMissRefreshMs = options.tenantMissRefreshMs ?? 5_000;
    this.maxUnknownHostsPerSource = options.maxUnknownHostsPerSource ?? 3;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.aggregatesWrittenAt = this.now();
  }

  /** Starts the periodic flush (and reads the tenant slugs). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.flushIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Takes one event. Never throws and never waits: the write happens later, in the background. */
  record(event: SecurityEvent): void {
    try {
      this.counts.recorded++;
      if (this.stopped) {
        this.drop(1);
        return;
      }
      const occurredAt = Number.isFinite(event.occurredAt?.getTime()) ? event.occurredAt.getTime() : this.now();
      const bucket = this.bucketFor(event, occurredAt);
      if (!bucket) {
        this.drop(1);
        return;
      }
      bucket.seen++;
      if (!bucket.anyAddress && bucket.seen <= this.individualPerBucket && this.queuedCount() < this.maxQueued) {
        this.queue.push({
          tenantId: event.tenantId,
          tenantSlug: event.hostTenantSlug,
          requestId: event.requestId,
          reason: event.reason,
          keyId: event.keyId,
          keyName: event.keyName,
          method: event.method,
          path: event.path,
          clientIp: event.clientIp,
          occurredAt: new Date(occurredAt),
        });
        if (this.queue.length >= this.batchSize && this.now() - this.failedAt >= this.flushIntervalMs) this.kick();
      } else {
        this.count(bucket, event, occurredAt);
      }
    } catch {
      // Recording must never disturb the request; a broken event is simply not recorded.
    }
  }

  /**
   * One flush now (after the one running, if any): queued events, aggregates that are due, and
   * buckets whose minute has ended. Never rejects.
   */
  async flush(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Stops the timer and writes everything still held (all aggregates, also of the current minute). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      deadline = setTimeout(() => resolve(true), this.stopTimeoutMs);
      deadline.unref();
    });
    const final = (async () => {
      while (this.running) await this.running;
      // Every failed pass brings some write closer to its last attempt, so this ends.
      while (this.hasPending() && !this.abandoned) await this.pass(true);
      return false;
    })();
    const late = await Promise.race([final, timedOut]);
    clearTimeout(deadline);
    if (late) {
      // Give up on what is left (a write still under way may yet succeed: "up to").
      this.abandoned = true;
      const left = this.queuedCount() + [...this.buckets.values()].reduce((n, b) => n + (b.pending?.count ?? 0), 0);
      this.queue = [];
      this.retry = null;
      this.counts.dropped += left;
      this.logger.warn('security events not written before shutdown', { dropped: left });
    }
    this.buckets.clear();
    this.unknownHosts.clear();
    this.overflowBuckets = 0;
    this.logDrops();
  }

  stats(): SecurityEventRecorderStats {
    return { ...this.counts, buckets: this.buckets.size, queued: this.queuedCount() };
  }

  private bucketFor(event: SecurityEvent, occurredAt: number): Bucket | null {
    const minute = Math.floor(occurredAt / MINUTE) * MINUTE;
    let tenantSlug = event.hostTenantSlug;
    let key = aggregateKey(minute, tenantSlug, event.reason, event.clientIp);
    const existing = this.buckets.get(key);
    if (existing) return existing;
    // A key identified for the host proves its tenant; otherwise the slug should be a tenant's
    // (until the slugs have been read, every slug counts as one: the spec's bucketing).
    let unknownSource: string | null = null;
    if (tenantSlug !== null && event.tenantId === null && this.knownTenants && !this.knownTenants.has(tenantSlug)) {
      // A made-up host, or a tenant created since the slugs were read: a few such hosts per
      // source get buckets of their own; the rest share the bucket of hosts without a tenant.
      this.tenantMissed = true;
      unknownSource = JSON.stringify([minute, event.clientIp, event.reason]);
      if ((this.unknownHosts.get(unknownSource) ?? 0) >= this.maxUnknownHostsPerSource) {
        unknownSource = null;
        tenantSlug = null;
        key = aggregateKey(minute, null, event.reason, event.clientIp);
        const shared = this.buckets.get(key);
        if (shared) return shared;
      }
    }
    let anyAddress = false;
    if (this.buckets.size - this.overflowBuckets >= this.maxBuckets) {
      anyAddress = true;
      unknownSource = null;
      key = aggregateKey(minute, tenantSlug, event.reason, ANY_ADDRESS);
      const overflow = this.buckets.get(key);
      if (overflow) return overflow;
      if (this.overflowBuckets >= this.maxOverflowBuckets) return null;
      this.overflowBuckets++;
    }
    if (unknownSource !== null) this.unknownHosts.set(unknownSource, (this.unknownHosts.get(unknownSource) ?? 0) + 1);
    const bucket: Bucket = {
      aggregateKey: key,
      minute,
      tenantId: event.tenantId,
      tenantSlug,
      clientIp: anyAddress ? null : event.clientIp,
      anyAddress,
      unknownSource,
      reason: event.reason,
      seen: 0,
      pending: null,
      failures: 0,
    };
    this.buckets.set(key, bucket);
    return bucket;
  }

  private count(bucket: Bucket, event: SecurityEvent, occurredAt: number): void {
    this.counts.aggregated++;
    bucket.tenantId ??= event.tenantId;
    const p = bucket.pending;
    if (!p) {
      bucket.pending = {
        count: 1,
        firstAt: occurredAt,
        lastAt: occurredAt,
        requestId: event.requestId,
        method: event.method,
        path: event.path,
        keyId: event.keyId,
        keyName: event.keyName,
        mixedKeys: false,
      };
      return;
    }
    p.count++;
    if (occurredAt < p.firstAt) p.firstAt = occurredAt;
    if (occurredAt > p.lastAt) p.lastAt = occurredAt;
    if (p.keyId !== event.keyId) p.mixedKeys = true;
  }

  private forget(key: string, bucket: Bucket): void {
    this.buckets.delete(key);
    if (bucket.anyAddress) this.overflowBuckets--;
    if (bucket.unknownSource !== null) {
      const n = (this.unknownHosts.get(bucket.unknownSource) ?? 1) - 1;
      if (n > 0) this.unknownHosts.set(bucket.unknownSource, n);
      else this.unknownHosts.delete(bucket.unknownSource);
    }
  }

  private queuedCount(): number {
    return this.queue.length + (this.retry?.events.length ?? 0);
  }

  private hasPending(): boolean {
    if (this.queuedCount() > 0) return true;
    for (const b of this.buckets.values()) if (b.pending) return true;
    return false;
  }

  private drop(n: number): void {
    this.counts.dropped += n;
    this.droppedUnlogged += n;
  }

  private logDrops(): void {
    if (this.droppedUnlogged === 0) return;
    this.logger.warn('security events dropped', { dropped: this.droppedUnlogged, dropped_total: this.counts.dropped });
    this.droppedUnlogged = 0;
  }

  /** Starts a flush unless one is running; then one more pass follows it. */
  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // A flush a request triggers (a full batch) is not part of that request's trace.
    this.running = outsideTrace(async () => {
      try {
        do {
          this.again = false;
          const failed = await this.pass(false);
          // After a failure the next try waits for the timer (no hammering of a failing database).
          if (failed) break;
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    });
  }

  /** One flush: at most one statement at a time. Resolves true when a write failed. Never rejects. */
  private async pass(all: boolean): Promise<boolean> {
    let failed = false;
    try {
      await this.refreshTenants();
      failed = (await this.writeQueued(all)) || failed;
      failed = (await this.writeAggregates(all)) || failed;
    } catch (error) {
      // Not expected (each write catches its own failure); logged so that it is never silent.
      this.logger.warn('security event flush failed', { error });
      failed = true;
    }
    if (failed) this.failedAt = this.now();
    this.logDrops();
    return failed;
  }

  private async refreshTenants(): Promise<void> {
    const every = this.tenantMissed ? this.tenantMissRefreshMs : this.tenantRefreshMs;
    if (!this.store.tenantSlugs || this.stopped || this.now() - this.tenantsReadAt < every) return;
    this.tenantsReadAt = this.now();
    this.tenantMissed = false;
    try {
      this.knownTenants = new Set(await this.store.tenantSlugs());
    } catch (error) {
      // Keep the slugs read before (or none: every host then counts as a tenant's).
      this.logger.warn('could not read tenant slugs for security events', { error });
    }
  }

  /** Writes the events queued when the pass began, batch by batch. */
  private async writeQueued(all: boolean): Promise<boolean> {
    let budget = this.queuedCount();
    while (budget > 0 || (all && this.queuedCount() > 0)) {
      const batch = this.retry ?? { events: this.queue.splice(0, this.batchSize), attempts: 0 };
      this.retry = batch;
      budget -= batch.events.length;
      try {
        await this.store.insertSecurityEvents(batch.events);
        this.counts.storedIndividually += batch.events.length;
        this.retry = null;
      } catch (error) {
        batch.attempts++;
        if (batch.attempts >= this.maxAttempts) {
          this.retry = null;
          this.drop(batch.events.length);
          this.logger.warn('could not record security events', { error, attempts: batch.attempts, events: batch.events.length });
        }
        return true;
      }
    }
    return false;
  }

  /** Writes the counts of ended buckets, and of every bucket when due; forgets ended buckets. */
  private async writeAggregates(all: boolean): Promise<boolean> {
    const now = this.now();
    const due = all || now - this.aggregatesWrittenAt >= this.aggregateIntervalMs;
    const ended = (b: Bucket) => now >= b.minute + MINUTE + this.minuteGraceMs;
    const parts: Array<{ bucket: Bucket; pending: Pending }> = [];
    for (const bucket of this.buckets.values()) {
      if (bucket.pending && (due || ended(bucket))) {
        parts.push({ bucket, pending: bucket.pending });
        bucket.pending = null;
      }
    }
    if (due) this.aggregatesWrittenAt = now;
    let failed = false;
    if (parts.length > 0) {
      try {
        await this.store.upsertSecurityEventAggregates(parts.map(({ bucket, pending }) => aggregateRow(bucket, pending)));
        for (const { bucket } of parts) bucket.failures = 0;
      } catch (error) {
        failed = true;
        let dropped = 0;
        for (const { bucket, pending } of parts) {
          bucket.failures++;
          if (bucket.failures >= this.maxAttempts) {
            bucket.failures = 0;
            dropped += pending.count;
          } else {
            bucket.pending = bucket.pending ? mergePending(pending, bucket.pending) : pending;
          }
        }
        if (dropped > 0) {
          this.drop(dropped);
          this.logger.warn('could not record security event aggregates', { error, events: dropped });
        }
      }
    }
    for (const [key, bucket] of this.buckets) {
      if (!bucket.pending && ended(bucket)) this.forget(key, bucket);
    }
    return failed;
  }
}

const ANY_ADDRESS = Symbol('any address');

/**
 * The bucket's name in the database: the same in every gateway process, so that their overflow
 * of one bucket merges into one row. Unambiguous (JSON), and never containing a key value.
 */
function aggregateKey(minute: number, tenantSlug: string | null, reason: string, clientIp: string | null | typeof ANY_ADDRESS): string {
  const address = clientIp === ANY_ADDRESS ? '*' : clientIp === null ? null : `ip:${clientIp}`;
  return JSON.stringify([new Date(minute).toISOString(), tenantSlug, address, reason]);
}

function aggregateRow(bucket: Bucket, p: Pending): SecurityEventAggregate {
  return {
    aggregateKey: bucket.aggregateKey,
    tenantId: bucket.tenantId,
    tenantSlug: bucket.tenantSlug,
    requestId: p.requestId,
    reason: bucket.reason,
    keyId: p.mixedKeys ? null : p.keyId,
    keyName: p.mixedKeys ? null : p.keyName,
    method: p.method,
    path: p.path,
    clientIp: bucket.clientIp,
    count: p.count,
    firstAt: new Date(p.firstAt),
    lastAt: new Date(p.lastAt),
  };
}

/** `older` failed to be written while `newer` collected: one delta again. */
function mergePending(older: Pending, newer: Pending): Pending {
  return {
    ...older,
    count: older.count + newer.count,
    firstAt: Math.min(older.firstAt, newer.firstAt),
    lastAt: Math.max(older.lastAt, newer.lastAt),
    mixedKeys: older.mixedKeys || newer.mixedKeys || older.keyId !== newer.keyId,
  };
}
