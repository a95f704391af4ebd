import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AuditEventInput } from '@datamingle/gateway-domain';
import { awaitKeyStatePropagation, keyStateSeqOfTransaction } from './key-state-cache';

/** Something that runs a query: a pool or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/** Appends one audit event; called inside the transaction of the change it records. */
export async function insertAuditEvent(q: Queryable, tenantId: string, event: AuditEventInput): Promise<void> {
  await q.query(
    `INSERT INTO gateway.audit_events (id, tenant_id, action, actor, target, changes, request_id, client_ip)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8)`,
    [randomUUID(), tenantId, event.action, JSON.stringify(event.actor), JSON.stringify(event.target), JSON.stringify(event.changes), event.requestId, event.clientIp],
  );
}

/**
 * Runs `work` in one transaction on one connection of `pool`. When it changed key state (a
 * trigger set its seq: key-state-cache.ts), returns only once every live gateway dropped the state
 * before it from its cache (auth-and-keys.md §4.4: the change holds on the very next request).
 */
export async function inTransaction<T>(pool: Pool, work: (q: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    const keyStateSeq = await keyStateSeqOfTransaction(client);
    await client.query('COMMIT');
    if (keyStateSeq !== null) await awaitKeyStatePropagation(client, keyStateSeq);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
