import type { EventStore, RecordedEvent } from '@datamingle/event-store';
import type { Sql } from './data-source';
import { DocumentProjection, type DocumentProjectionSpec } from './document-projection';

interface Doc {
  id: string;
  n: number;
}

const spec: DocumentProjectionSpec<Doc> = {
  name: 'test.docs',
  table: 'test.docs',
  checkpointTable: 'test.checkpoints',
  category: 'doc',
  evolve: (doc, event) => ({ id: 'd-1', n: (doc?.n ?? 0) + (event.data as { n: number }).n }),
  columns: (doc) => ({ id: doc.id }),
};

/** A store holding one stream of one event. */
const store = {
  readStream: async (): Promise<RecordedEvent[]> => [
    { id: 'e-1', type: 'Created', data: { n: 1 }, metadata: { tenant_id: 't' }, streamName: 'doc-1', revision: 0n, position: 'p', recordedAt: new Date() },
  ],
} as unknown as EventStore;

const uniqueViolation = (constraint: string) => Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), { code: '23505', constraint });

describe('DocumentProjection.projectAppended on a new stream', () => {
  it('falls back to catching the row up when its insert meets a unique violation on another index (concurrent catch-up insert)', async () => {
    const statements: string[] = [];
    const writer: Sql = {
      query: async (text: string) => {
        statements.push(text.trim().split(/\s+/).slice(0, 2).join(' '));
        throw uniqueViolation('docs_tenant_id');
      },
    };
    let caughtUp = false;
    const tx = {
      query: async (text: string): Promise<unknown[]> => {
        // The row inserted by the concurrent catch-up is there now, at revision 0.
        if (/^SELECT doc, revision/.test(text.trim())) return [{ doc: { id: 'd-1', n: 1 }, revision: '0' }];
        caughtUp = true;
        return [];
      },
    } as Sql;
    const projection = new DocumentProjection(spec, store, ['id']);

    await projection.projectAppended(writer, 't', 'doc-1', 0n, 0n, { id: 'd-1', n: 1 }, (fn) => fn(tx));

    expect(statements).toEqual(['INSERT INTO']);
    expect(caughtUp).toBe(false); // the row already reflects revision 0: nothing to write
  });

  it('does not hide other errors of the insert', async () => {
    const writer: Sql = {
      query: async () => {
        throw Object.assign(new Error('relation does not exist'), { code: '42P01' });
      },
    };
    const projection = new DocumentProjection(spec, store, ['id']);
    await expect(projection.projectAppended(writer, 't', 'doc-1', 0n, 0n, { id: 'd-1', n: 1 }, async () => undefined)).rejects.toThrow(
      'relation does not exist',
    );
  });
});
