import { WriteAppliedError, WriteInDoubtError, writeOutcomeOf, type EventStore, type RecordedEvent } from '@datamingle/event-store';
import type { DataSource } from 'typeorm';
import type { Sql } from './data-source';
import { DocumentProjection, writeThenProject, type DocumentProjectionSpec } from './document-projection';

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

describe('writeThenProject: a failure after the write is "applied, then failed"', () => {
  const tenantId = '00000000-0000-4000-8000-000000000001';
  const doc = { id: 'd-1', n: 1 };
  const appended = { fromRevision: 0n, toRevision: 0n, doc };

  /** A data source whose pool hands out a connection answering every statement with `answer` (or fails to connect). */
  function dataSource(answer: () => Promise<unknown>, connect?: () => Promise<never>): DataSource {
    const client = {
      query: async () => ({ rows: await answer() }),
      on: () => undefined,
      release: () => undefined,
    };
    const pool = { on: () => undefined, connect: connect ?? (async () => client) };
    return { driver: { master: pool } } as unknown as DataSource;
  }
  /** A projection whose projectAppended runs `project`. */
  const projecting = (project: () => Promise<void>) => ({ projectAppended: project }) as unknown as DocumentProjection<typeof doc>;
  const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );

  it('returns the write\'s result once the projection ran', async () => {
    const project = jest.fn(async () => undefined);
    expect(await writeThenProject(dataSource(async () => []), projecting(project), tenantId, 'doc-1', async () => ({ result: 'r', appended }))).toBe('r');
    expect(project).toHaveBeenCalledTimes(1);
  });

  it('the projection losing the database → WriteAppliedError, its cause the failure', async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const error = await rejectionOf(
      writeThenProject(dataSource(async () => []), projecting(() => Promise.reject(lost)), tenantId, 'doc-1', async () => ({ result: 'r', appended })),
    );
    expect(error).toBeInstanceOf(WriteAppliedError);
    expect((error as WriteAppliedError).cause).toBe(lost);
  });

  it('no connection for the projection, or a bug in it → WriteAppliedError too', async () => {
    const timeout = new Error('timeout exceeded when trying to connect');
    const noConnection = await rejectionOf(
      writeThenProject(dataSource(async () => [], () => Promise.reject(timeout)), projecting(async () => undefined), tenantId, 'doc-1', async () => ({
        result: 'r',
        appended,
      })),
    );
    expect(writeOutcomeOf(noConnection)).toBe('applied');
    const bug = await rejectionOf(
      writeThenProject(dataSource(async () => []), projecting(() => Promise.reject(new TypeError('bug'))), tenantId, 'doc-1', async () => ({
        result: 'r',
        appended,
      })),
    );
    expect(writeOutcomeOf(bug)).toBe('applied');
  });

  it('the write\'s own failure is thrown as it is (in doubt stays in doubt, anything else says nothing was applied)', async () => {
    const project = jest.fn(async () => undefined);
    const inDoubt = new WriteInDoubtError(new Error('Connection terminated unexpectedly'));
    await expect(writeThenProject(dataSource(async () => []), projecting(project), tenantId, 'doc-1', () => Promise.reject(inDoubt))).rejects.toBe(inDoubt);
    const plain = new Error('Connection terminated unexpectedly');
    await expect(writeThenProject(dataSource(async () => []), projecting(project), tenantId, 'doc-1', () => Promise.reject(plain))).rejects.toBe(plain);
    expect(project).not.toHaveBeenCalled();
  });

  it('nothing appended: nothing projected, nothing to fail', async () => {
    const ds = dataSource(() => Promise.reject(new Error('must not be used')));
    const project = jest.fn(async () => undefined);
    expect(await writeThenProject(ds, projecting(project), tenantId, 'doc-1', async () => ({ result: 'unchanged', appended: null }))).toBe('unchanged');
    expect(project).not.toHaveBeenCalled();
  });
});
