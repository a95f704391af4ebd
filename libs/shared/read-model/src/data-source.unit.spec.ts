import { WriteInDoubtError, writeOutcomeOf } from '@datamingle/event-store';
import { PostgresEventStore } from '@datamingle/event-store-adapters';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { withTenant, withTenantClient } from './data-source';

/**
 * The read model's transaction helper commits through commitPostgresTransaction: the COMMIT of a
 * transaction holding events appended in it (appendToStream(s)InTransaction) is a commit-bearing
 * write, any other COMMIT is not. One pooled connection serves transaction after transaction, so
 * a transaction that rolled back must not leave its appends noted for the next one.
 */
describe('read-model transactions and the write outcome of their COMMIT', () => {
  const tenantId = '00000000-0000-4000-8000-000000000001';
  const lost = () => new Error('Connection terminated unexpectedly');

  /** One connection; `commit` answers each COMMIT (default: committed). Statements are recorded. */
  function setup() {
    const statements: string[] = [];
    let commit: () => Promise<unknown> = async () => ({ command: 'COMMIT', rows: [] });
    const client = {
      query: async (text: string | { text: string }): Promise<unknown> => {
        const sql = (typeof text === 'string' ? text : text.text).trim();
        statements.push(sql.split(/\s+/)[0]!);
        if (sql === 'COMMIT') return commit();
        if (sql.startsWith('INSERT INTO "event_store".streams')) return { rows: [{ stream_name: 'inv-1', revision: '0' }] };
        return { command: 'SELECT', rows: [] };
      },
      on: () => undefined,
      release: () => undefined,
    };
    const pool = { on: () => undefined, off: () => undefined, connect: async () => client, options: {} };
    const ds = { driver: { master: pool } } as unknown as DataSource;
    const store = new PostgresEventStore({ pool: pool as unknown as Pool, endPoolOnClose: false });
    const append = (c: unknown) =>
      store.appendToStreamsInTransaction(c as Parameters<PostgresEventStore['appendToStreamsInTransaction']>[0], [
        { streamName: 'inv-1', events: [{ id: '00000000-0000-4000-8000-0000000000aa', type: 'Set', data: {}, metadata: {} }] },
      ]);
    return { ds, statements, append, failCommit: (error: Error) => (commit = () => Promise.reject(error)) };
  }

  it('a COMMIT lost after appends in the transaction is in doubt', async () => {
    const { ds, append, failCommit } = setup();
    failCommit(lost());
    const error = await withTenantClient(ds, tenantId, async (_sql, client) => {
      await append(client);
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WriteInDoubtError);
  });

  it('a COMMIT lost without appends is not (reads and read-model-only writes)', async () => {
    const { ds, failCommit } = setup();
    failCommit(lost());
    const error = await withTenant(ds, tenantId, async (sql) => sql.query('SELECT 1')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(writeOutcomeOf(error)).toBe('none');
  });

  it('appends of a transaction that rolled back are forgotten: the next transaction on the connection is not in doubt', async () => {
    const { ds, statements, append, failCommit } = setup();
    const bug = new TypeError('bug after the append');
    await expect(
      withTenantClient(ds, tenantId, async (_sql, client) => {
        await append(client);
        throw bug;
      }),
    ).rejects.toBe(bug);
    expect(statements).toContain('ROLLBACK');
    failCommit(lost());
    const error = await withTenant(ds, tenantId, async (sql) => sql.query('SELECT 1')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(writeOutcomeOf(error)).toBe('none');
  });
});
