import { RESOURCE_NAMES, type ResourceName } from '@datamingle/contracts';
import { streamCategory, type EventStore, type RecordedEvent } from '@datamingle/event-store';
import { FEED_RESOURCE, type ChangeFeedPort, type FeedEvent } from '@datamingle/gateway-domain';
import { formatTimestampMicros } from '@datamingle/kernel';

const RESOURCE_OF_CATEGORY = new Map<string, ResourceName>(RESOURCE_NAMES.map((r) => [FEED_RESOURCE[r], r]));

/** An event of the store as the feed shows it; `null` for streams that hold no resource's records. */
export function toFeedEvent(event: RecordedEvent): FeedEvent | null {
  const resource = RESOURCE_OF_CATEGORY.get(streamCategory(event.streamName));
  if (resource === undefined) return null;
  const m = event.metadata;
  const version = typeof m['aggregate_version'] === 'number' ? m['aggregate_version'] : Number(event.revision) + 1;
  const occurred = typeof m['occurred_at'] === 'string' ? m['occurred_at'] : event.recordedAt;
  const sku = resource === 'inventory' ? (event.data as { sku_code?: unknown } | null)?.sku_code : undefined;
  return {
    position: event.position,
    resource,
    streamName: event.streamName,
    aggregateId: typeof m['aggregate_id'] === 'string' ? m['aggregate_id'] : '',
    type: event.type,
    version,
    revision: Number(event.revision),
    occurredAt: formatTimestampMicros(occurred),
    ...(typeof sku === 'string' ? { sku } : {}),
  };
}

/**
 * The change feed over the event store's port (history-feed-idempotency.md §2): one tenant's
 * events in the store's global order (`readAll` with `tenantId`: never an event ahead of one that
 * can still commit before it — the PostgreSQL adapter reads only below the snapshot's xmin
 * horizon, KurrentDB's `$all` is its commit order), woken by the store's notifications of
 * committed appends (`waitForEvents`: PostgreSQL LISTEN/NOTIFY, KurrentDB a live `$all`
 * subscription).
 */
export class EventStoreChangeFeed implements ChangeFeedPort {
  private readonly shutdown = new AbortController();

  constructor(
    private readonly store: EventStore,
    readonly cursorSecret: Uint8Array,
  ) {}

  get closing(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** Ends every wait at once (long polls answer what they have); reads still work until the store closes. */
  close(): void {
    this.shutdown.abort();
  }

  async read(tenantId: string, after: string | null, categories: readonly string[], limit: number): Promise<FeedEvent[]> {
    // Only inventory's payload is used (its SKU): the others' are not read.
    const events = await this.store.readAll({ after, maxCount: limit, categories, tenantId, dataCategories: [FEED_RESOURCE.inventory] });
    return events.map(toFeedEvent).filter((e): e is FeedEvent => e !== null);
  }

  async waitForChanges(timeoutMs: number, categories: readonly string[], signal: AbortSignal): Promise<boolean> {
    if (this.closing) return false;
    const started = Date.now();
    await this.store.waitForEvents(timeoutMs, AbortSignal.any([signal, this.shutdown.signal]), categories);
    return !signal.aborted && !this.closing && Date.now() - started < timeoutMs;
  }
}

/** The secret the feed's cursors are signed with: one per installation, created by the gateway's migration. */
export async function loadFeedCursorSecret(db: { query(sql: string): Promise<Array<{ value: string }>> }): Promise<Buffer> {
  const rows = await db.query(`SELECT value FROM gateway.settings WHERE name = 'feed_cursor_secret'`);
  if (!rows[0]) throw new Error('gateway.settings has no feed_cursor_secret: run the migrations first');
  return Buffer.from(rows[0].value, 'utf8');
}
