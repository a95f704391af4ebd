import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import type { DomainEvent, EventStore, RecordedEvent } from '@datamingle/event-store';
import { encodeCursor, fieldChanges, formatTimestampMicros, parseCursorParam, parseLimit, type FieldChanges } from '@datamingle/kernel';
import { withRecord, type RecordLookup } from './record-replies';

/** One entry of a record's history (history-feed-idempotency.md §1). */
export interface HistoryEntry {
  /** The event's aggregate version (stream revision + 1), as on Kafka. */
  version: number;
  type: string;
  occurred_at: string;
  request_id: string | null;
  /** The API key whose request made the change; `null` for changes the platform made itself (and events stored before keys were recorded). */
  api_key: { id: string; name: string } | null;
  changes: FieldChanges;
}

/** How a kind of record's events fold into its state and what that state looks like (its decider's fold and its representation). */
export interface HistoryKind<State, Event extends DomainEvent> {
  decider: { initialState(): State; evolve(state: State, event: Event): State };
  representation: (state: State) => unknown;
}

function apiKeyOf(metadata: Record<string, unknown>): HistoryEntry['api_key'] {
  const key = metadata['api_key'];
  if (typeof key !== 'object' || key === null) return null;
  const { id, name } = key as Record<string, unknown>;
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : null;
}

function occurredAt(event: RecordedEvent): string {
  const stated = event.metadata['occurred_at'];
  return formatTimestampMicros(typeof stated === 'string' ? stated : event.recordedAt);
}

/**
 * The history of a record's stream: every event folded in order, each entry the difference of
 * the representations before and after it. Read from the stream itself, so it is complete and
 * cannot be edited.
 */
export function historyOf<State, Event extends DomainEvent>(kind: HistoryKind<State, Event>, events: readonly RecordedEvent[]): { event: RecordedEvent; entry: HistoryEntry }[] {
  let state = kind.decider.initialState();
  let before: unknown = null;
  return events.map((event) => {
    state = kind.decider.evolve(state, { type: event.type, data: event.data } as Event);
    const after = kind.representation(state);
    const correlation = event.metadata['correlation_id'];
    const entry: HistoryEntry = {
      version: Number(event.revision) + 1,
      type: event.type,
      occurred_at: occurredAt(event),
      request_id: typeof correlation === 'string' ? correlation : null,
      api_key: apiKeyOf(event.metadata),
      changes: fieldChanges(before, after),
    };
    before = after;
    return { event, entry };
  });
}

/**
 * `GET <resource>/{identifier}/history/`: the record the request names (404 as its GET), then one
 * page of its history, oldest first. Pagination follows pagination.md with the shared cursor
 * format — `c` the last entry's `occurred_at`, `i` its event id — ascending by version: the next
 * page starts after that event (or, for a cursor naming no event of the stream, after `c`).
 */
export async function recordHistory<State, Event extends DomainEvent>(
  kind: HistoryKind<State, Event>,
  store: EventStore,
  lookup: RecordLookup<{ streamName: string }>,
  request: ServiceRequest,
): Promise<ServiceReply> {
  const limit = parseLimit(request.query['limit']);
  const cursor = parseCursorParam(request.query['cursor']);
  if (!cursor.ok) return { ok: false, error: cursor.error };
  return withRecord(lookup, request, async ({ streamName }) => {
    const all = historyOf(kind, await store.readStream(streamName));
    let start = 0;
    if (cursor.value !== null) {
      const { c, i } = cursor.value;
      const at = all.findIndex(({ event }) => event.id === i);
      start = at >= 0 ? at + 1 : all.findIndex(({ entry }) => entry.occurred_at > c);
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + limit);
    const last = page[page.length - 1];
    const more = start + limit < all.length;
    return {
      ok: true,
      status: 200,
      data: page.map(({ entry }) => entry),
      pagination: { limit, next_cursor: more && last ? encodeCursor({ c: last.entry.occurred_at, i: last.event.id }) : null },
    };
  });
}
