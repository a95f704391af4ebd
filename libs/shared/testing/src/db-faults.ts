import { Client } from 'pg';
import { eventually } from './probe';

/**
 * Another session that takes a lock and keeps it until released: `lockSql` runs inside an open
 * transaction (e.g. `SELECT pg_advisory_xact_lock(42)`, or `SELECT … FOR UPDATE`).
 */
export async function holdLockInOtherSession(url: string, lockSql: string, params: unknown[] = []): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(lockSql, params);
  return {
    release: async () => {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    },
  };
}

/**
 * Waits until exactly one backend of `applicationName` waits on a lock, then terminates it (its
 * client gets FATAL 57P01 while its statement runs). Returns the backend's pid.
 */
export async function terminateBackendWaitingOnLock(admin: Client, applicationName: string): Promise<number> {
  const pid = await eventually(async () => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [applicationName],
    );
    if (rows.length !== 1) throw new Error(`expected one backend of ${applicationName} waiting on a lock, found ${rows.length}`);
    return rows[0]!.pid;
  });
  const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
  if (!rows[0]!.ok) throw new Error(`could not terminate backend ${pid}`);
  return pid;
}
