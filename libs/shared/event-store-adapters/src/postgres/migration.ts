const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,39}$/;

/** Throws unless `schema` is a plain lower-case identifier (it is spliced into DDL and a channel name). */
export function assertValidSchemaName(schema: string): void {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new RangeError(`Invalid event-store schema name '${schema}': use 1-40 of [a-z0-9_], not starting with a digit`);
  }
}

/** LISTEN/NOTIFY channel on which every committed append to `schema` is announced. */
export function postgresEventStoreChannel(schema: string): string {
  assertValidSchemaName(schema);
  return `${schema}_events_appended`;
}

/**
 * Idempotent DDL of the PostgreSQL event store (PostgreSQL 14+, for xid8 and CREATE OR REPLACE TRIGGER).
 * Safe to run on every deployment; run it from the migration job, or use
 * PostgresEventStore.ensureSchema() in tests and the embedded mode.
 *
 * Global order is (transaction_id, global_position): global_position is a sequence value taken
 * at insert time, so transactions can commit out of its order; readers only take rows of
 * transactions below the snapshot's xmin horizon and order by the transaction id first.
 * A logical restore (pg_dump into a new cluster) does not carry the xid counter over: reset
 * the readers' checkpoints after one.
 */
export function postgresEventStoreMigration(schema: string): string {
  const channel = postgresEventStoreChannel(schema);
  const s = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.streams (
  stream_name text NOT NULL,
  revision bigint NOT NULL,
  CONSTRAINT streams_pkey PRIMARY KEY (stream_name),
  CONSTRAINT streams_revision_check CHECK (revision >= 0)
);

CREATE TABLE IF NOT EXISTS ${s}.events (
  global_position bigserial NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id uuid NOT NULL,
  stream_name text NOT NULL,
  stream_revision bigint NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  category text NOT NULL,
  CONSTRAINT events_pkey PRIMARY KEY (stream_name, stream_revision),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_revision_check CHECK (stream_revision >= 0)
);

CREATE INDEX IF NOT EXISTS events_transaction_id_global_position_idx
  ON ${s}.events (transaction_id, global_position);

CREATE INDEX IF NOT EXISTS events_category_transaction_id_global_position_idx
  ON ${s}.events (category, transaction_id, global_position);

-- The change feed reads one tenant's events in global order (history-feed-idempotency.md §2):
-- this index serves it without visiting other tenants' events.
CREATE INDEX IF NOT EXISTS events_tenant_transaction_id_global_position_idx
  ON ${s}.events ((metadata->>'tenant_id'), transaction_id, global_position);

-- NOTIFY is delivered at commit, so a woken reader finds the events committed. The payload names
-- the categories appended to (comma-separated; '' when too long to say), so that readers of other
-- categories are not woken; identical notifications of one transaction are delivered once.
CREATE OR REPLACE FUNCTION ${s}.notify_events_appended() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  categories text;
BEGIN
  SELECT string_agg(DISTINCT category, ',') INTO categories FROM appended;
  PERFORM pg_notify('${channel}', CASE WHEN categories IS NULL OR octet_length(categories) > 7000 THEN '' ELSE categories END);
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER events_appended_notify
  AFTER INSERT ON ${s}.events
  REFERENCING NEW TABLE AS appended
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.notify_events_appended();
`;
}
