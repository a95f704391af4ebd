/**
 * `Idempotency-Key` storage (history-feed-idempotency.md §3) in gateway.idempotency_keys
 * (migration GatewayIdempotencyKeys1765700000000): one row per (API key, Idempotency-Key).
 *
 * - **claim**: one statement. `INSERT … ON CONFLICT DO UPDATE … WHERE` takes the key when it is
 *   new, expired (24 h), or held by a claim older than the in-flight lease (its gateway died
 *   mid-request); of concurrent claims exactly one wins (the row's unique key). A loser reads the
 *   row: another fingerprint is a mismatch, an unsettled claim is in flight, a settled one replays.
 * - **complete** / **release**: by claim id, so a request that outlived its lease cannot settle a
 *   later request's claim.
 * - **purge**: expired rows, in chunks (the gateway runs it every few minutes; an expired row is
 *   already treated as absent by claim).
 *
 * The fingerprint is stored as a SHA-256: the request's body is never kept, only the response.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '@datamingle/gateway-domain';
import { poolOf } from '@datamingle/read-model';

/** How long a stored response is kept (history-feed-idempotency.md §3). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/**
 * A claim not settled after this long is abandoned (its gateway died mid-request) and the next
 * request with the key takes it over. Well above the longest request (the services' call
 * timeout plus a 50,000-row bulk).
 */
export const IDEMPOTENCY_IN_FLIGHT_LEASE_SECONDS = 300;

/**
 * The claim commits without waiting for its WAL flush (`synchronous_commit = off` for its own
 * transaction, set inside the statement). That is safe because nothing is acknowledged on the
 * strength of a claim alone: the response is sent only after `complete` (a synchronous commit),
 * whose flush writes every earlier WAL record — the claim's included — to disk. A claim lost in a
 * crash therefore belongs to a request whose caller got no answer, and its retry is processed as a
 * first request would be (with the same outcome as without the header: the event store's own
 * writes decide, e.g. a duplicate order_number). Measured: one WAL flush less per keyed request
 * (docs/benchmarks.md, "Idempotency-Key").
 */
const CLAIM = {
  name: 'gateway.idempotency_keys claim',
  text: `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting)
         INSERT INTO gateway.idempotency_keys AS k (api_key_id, idempotency_key, fingerprint, claim_id, state, claimed_at, expires_at)
         SELECT $1, $2, $3, $4, 'in_flight', clock_timestamp(), clock_timestamp() + make_interval(hours => $5::integer) FROM relaxed
         ON CONFLICT (api_key_id, idempotency_key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, claim_id = EXCLUDED.claim_id, state = 'in_flight', status = NULL,
               headers = NULL, body = NULL, claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
           WHERE k.expires_at <= clock_timestamp()
              OR (k.state = 'in_flight' AND k.claimed_at < clock_timestamp() - make_interval(secs => $6::integer))
         RETURNING k.claim_id`,
};

const HELD = {
  name: 'gateway.idempotency_keys held',
  text: `SELECT fingerprint, state, status, headers, body FROM gateway.idempotency_keys
          WHERE api_key_id = $1 AND idempotency_key = $2 AND expires_at > clock_timestamp()`,
};

export class PgIdempotencyStore implements IdempotencyStore {
  private readonly pool: Pool;

  constructor(ds: DataSource | Pool, private readonly options: { retentionHours?: number; leaseSeconds?: number } = {}) {
    this.pool = 'driver' in ds ? poolOf(ds) : ds;
  }

  async claim(apiKeyId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    // The pipeline's fingerprint is a SHA-256 hex already; anything else is hashed here.
    const digest = /^[0-9a-f]{64}$/.test(fingerprint) ? Buffer.from(fingerprint, 'hex') : createHash('sha256').update(fingerprint, 'utf8').digest();
    // Twice at most: a row that expires between the failed claim and the read is claimed again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const claimId = randomUUID();
      const claimed = await this.pool.query({
        ...CLAIM,
        values: [apiKeyId, key, digest, claimId, this.options.retentionHours ?? IDEMPOTENCY_RETENTION_HOURS, this.options.leaseSeconds ?? IDEMPOTENCY_IN_FLIGHT_LEASE_SECONDS],
      });
      if (claimed.rowCount === 1) return { state: 'claimed', claimId };
      const { rows } = await this.pool.query<{ fingerprint: Buffer; state: string; status: number | null; headers: Record<string, string> | null; body: string | null }>({
        ...HELD,
        values: [apiKeyId, key],
      });
      const row = rows[0];
      if (!row) continue;
      if (!row.fingerprint.equals(digest)) return { state: 'mismatch' };
      if (row.state !== 'done' || row.status === null) return { state: 'in_flight' };
      return { state: 'replay', response: { status: row.status, headers: row.headers ?? {}, body: row.body } };
    }
    // The row keeps expiring under us (a clock at the boundary): the request is in flight elsewhere.
    return { state: 'in_flight' };
  }

  async complete(apiKeyId: string, key: string, claimId: string, response: StoredResponse): Promise<void> {
    await this.pool.query({
      name: 'gateway.idempotency_keys complete',
      text: `UPDATE gateway.idempotency_keys SET state = 'done', status = $4, headers = $5::jsonb, body = $6
              WHERE api_key_id = $1 AND idempotency_key = $2 AND claim_id = $3 AND state = 'in_flight'`,
      // The body is serialized JSON: JSON escapes U+0000, so it always fits a text column.
      values: [apiKeyId, key, claimId, response.status, JSON.stringify(response.headers), response.body],
    });
  }

  async release(apiKeyId: string, key: string, claimId: string): Promise<void> {
    await this.pool.query({
      name: 'gateway.idempotency_keys release',
      text: `DELETE FROM gateway.idempotency_keys WHERE api_key_id = $1 AND idempotency_key = $2 AND claim_id = $3 AND state = 'in_flight'`,
      values: [apiKeyId, key, claimId],
    });
  }

  /** Deletes expired rows, `chunk` at a time; resolves how many. */
  async purgeExpired(chunk = 5_000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const res = await this.pool.query(
        `DELETE FROM gateway.idempotency_keys WHERE (api_key_id, idempotency_key) IN (
           SELECT api_key_id, idempotency_key FROM gateway.idempotency_keys WHERE expires_at <= clock_timestamp() LIMIT $1)`,
        [chunk],
      );
      deleted += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < chunk) return deleted;
    }
  }
}
