import type { RecordedEvent } from '@datamingle/event-store';
import { historyOf } from './record-history';

const event = (revision: number, type: string, data: unknown, metadata: Record<string, unknown> = {}): RecordedEvent => ({
  id: `00000000-0000-7000-8000-00000000000${revision}`,
  type,
  data,
  metadata: { occurred_at: `2026-12-08T10:00:0${revision}.000Z`, correlation_id: `rq-${revision}`, ...metadata },
  streamName: 'thing-t-1',
  revision: BigInt(revision),
  position: String(revision),
  recordedAt: new Date(0),
});

describe('historyOf (history-feed-idempotency.md §1)', () => {
  const kind = {
    decider: {
      initialState: (): Record<string, unknown> | null => null,
      evolve: (state: Record<string, unknown> | null, e: { type: string; data: unknown }) => ({ ...(state ?? {}), ...(e.data as Record<string, unknown>) }),
    },
    representation: (state: Record<string, unknown> | null) => ({ id: 'x', updated_at: 'now', ...state }),
  };

  it('folds the stream and answers each version with its [before, after] changes, request and key', () => {
    const entries = historyOf(kind, [
      event(0, 'Created', { name: 'A', notes: null }, { api_key: { id: 'k1', name: 'ERP sync' } }),
      event(1, 'Updated', { notes: 'n' }),
    ]).map((h) => h.entry);
    expect(entries).toEqual([
      { version: 1, type: 'Created', occurred_at: '2026-12-08T10:00:00.000000Z', request_id: 'rq-0', api_key: { id: 'k1', name: 'ERP sync' }, changes: { name: [null, 'A'] } },
      { version: 2, type: 'Updated', occurred_at: '2026-12-08T10:00:01.000000Z', request_id: 'rq-1', api_key: null, changes: { notes: [null, 'n'] } },
    ]);
  });
});
