import { APP_ROLE, sqlMigration, type MigrationSet } from '@datamingle/read-model';

export const gatewayMigrations: MigrationSet = {
  name: 'gateway',
  migrations: [
    sqlMigration('GatewayInit1764100000000', [
      `CREATE SCHEMA IF NOT EXISTS gateway`,
      `GRANT USAGE ON SCHEMA gateway TO ${APP_ROLE}`,
      `CREATE TABLE gateway.settings (name text PRIMARY KEY, value text NOT NULL)`,
      // Server-side secret for the HMAC of API keys; gen_random_uuid() draws from pg_strong_random.
      `INSERT INTO gateway.settings (name, value)
         VALUES ('api_key_hmac_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`,
      `CREATE TABLE gateway.tenants (
         id uuid PRIMARY KEY,
         slug text NOT NULL UNIQUE,
         name text NOT NULL,
         integration_enabled boolean NOT NULL DEFAULT true,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE gateway.api_keys (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         name text NOT NULL,
         prefix text NOT NULL,
         key_hash text NOT NULL UNIQUE,
         scopes text[] NOT NULL,
         partner_id uuid NULL,
         expires_at timestamptz NULL,
         is_active boolean NOT NULL DEFAULT true,
         rate_limit_per_second integer NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         last_used_at timestamptz NULL
       )`,
      `CREATE INDEX api_keys_tenant ON gateway.api_keys (tenant_id, created_at)`,
      `CREATE TABLE gateway.security_events (
         id bigserial PRIMARY KEY,
         tenant_id uuid NULL,
         occurred_at timestamptz NOT NULL DEFAULT now(),
         request_id text NOT NULL,
         reason text NOT NULL,
         api_key_id uuid NULL,
         api_key_name text NULL,
         method text NOT NULL,
         path text NOT NULL,
         client_ip text NULL
       )`,
      `CREATE INDEX security_events_tenant ON gateway.security_events (tenant_id, occurred_at)`,
      `GRANT SELECT ON gateway.settings TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.tenants, gateway.api_keys TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT ON gateway.security_events TO ${APP_ROLE}`,
      `GRANT USAGE ON SEQUENCE gateway.security_events_id_seq TO ${APP_ROLE}`,
    ]),
    // Bounded volume (auth-and-keys.md §9): per tenant host, client address, reason and minute the
    // first 100 events are rows of their own (count 1, aggregate_key NULL); the rest of that minute
    // is ONE aggregate row (count, first_at, last_at) whose aggregate_key names the bucket, so that
    // several gateway processes merge their overflow into it with INSERT ... ON CONFLICT DO UPDATE.
    // An aggregate's occurred_at is its first_at; its request_id, method and path are those of one
    // request it counts. No row-level security on this table, as before: every read filters by
    // tenant_id and rows without a tenant (hosts that name none) are shown to no tenant.
    sqlMigration('GatewaySecurityEventAggregates1764200000000', [
      `ALTER TABLE gateway.security_events
         ADD COLUMN count integer NOT NULL DEFAULT 1,
         ADD COLUMN first_at timestamptz NULL,
         ADD COLUMN last_at timestamptz NULL,
         ADD COLUMN aggregate_key text NULL`,
      `ALTER TABLE gateway.security_events ADD CONSTRAINT security_events_aggregate_shape CHECK (
         (aggregate_key IS NULL AND count = 1 AND first_at IS NULL AND last_at IS NULL)
         OR (aggregate_key IS NOT NULL AND count >= 1 AND first_at IS NOT NULL AND last_at IS NOT NULL AND first_at <= last_at)
       )`,
      `CREATE UNIQUE INDEX security_events_aggregate_key ON gateway.security_events (aggregate_key) WHERE aggregate_key IS NOT NULL`,
      // "so support can find a request from it" (conventions.md §10).
      `CREATE INDEX security_events_request_id ON gateway.security_events (request_id)`,
      // security_events_tenant (tenant_id, occurred_at) from GatewayInit serves the admin list.
      // The merge updates these columns only; rows are still never deleted by the application.
      `GRANT UPDATE (count, first_at, last_at, occurred_at, api_key_id, api_key_name) ON gateway.security_events TO ${APP_ROLE}`,
    ]),
    // The admin surface (spec admin.md): tenant users, sign-in sessions, sign-in throttling and the
    // append-only audit trail. Like the other gateway tables, every query filters by tenant_id.
    sqlMigration('GatewayAdminSurface1765100000000', [
      // Secret of the CSRF tokens: a session's token is HMAC(secret, session token), never stored.
      `INSERT INTO gateway.settings (name, value)
         VALUES ('csrf_hmac_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
         ON CONFLICT (name) DO NOTHING`,
      `CREATE TABLE gateway.users (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         email text NOT NULL,
         name text NOT NULL,
         role text NOT NULL CHECK (role IN ('admin', 'viewer')),
         password_hash text NOT NULL,
         is_active boolean NOT NULL DEFAULT true,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         last_sign_in_at timestamptz NULL
       )`,
      // Unique per tenant, compared case-insensitively, stored as given.
      `CREATE UNIQUE INDEX users_tenant_email ON gateway.users (tenant_id, lower(email))`,
      `CREATE INDEX users_tenant_created ON gateway.users (tenant_id, created_at DESC, id DESC)`,
      // Only the SHA-256 of the session token is stored (the cookie value never is).
      `CREATE TABLE gateway.sessions (
         token_hash text PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         user_id uuid NOT NULL REFERENCES gateway.users(id) ON DELETE CASCADE,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         last_seen_at timestamptz NOT NULL DEFAULT clock_timestamp()
       )`,
      `CREATE INDEX sessions_user ON gateway.sessions (user_id)`,
      // Failed sign-ins per (tenant, lower(email)) for the 10-in-15-minutes throttle.
      `CREATE TABLE gateway.sign_in_failures (
         id bigserial PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         email_key text NOT NULL,
         failed_at timestamptz NOT NULL DEFAULT clock_timestamp()
       )`,
      `CREATE INDEX sign_in_failures_lookup ON gateway.sign_in_failures (tenant_id, email_key, failed_at)`,
      `CREATE TABLE gateway.audit_events (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         action text NOT NULL,
         actor jsonb NOT NULL,
         target jsonb NOT NULL,
         changes jsonb NOT NULL,
         request_id text NULL,
         client_ip text NULL
       )`,
      `CREATE INDEX audit_events_tenant ON gateway.audit_events (tenant_id, occurred_at DESC, id DESC)`,
      // Append-only: no interface may change or delete an audit event (admin.md §5).
      `CREATE FUNCTION gateway.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           RAISE EXCEPTION 'gateway.audit_events is append-only: % refused', TG_OP;
         END
       $$`,
      `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON gateway.audit_events
         FOR EACH ROW EXECUTE FUNCTION gateway.audit_events_append_only()`,
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON gateway.audit_events
         FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_events_append_only()`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.users, gateway.sessions TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, DELETE ON gateway.sign_in_failures TO ${APP_ROLE}`,
      `GRANT USAGE ON SEQUENCE gateway.sign_in_failures_id_seq TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT ON gateway.audit_events TO ${APP_ROLE}`,
    ]),
    // Partners (custom-integrations.md §1): per tenant, name unique case-insensitively, the
    // template slug it was created from. api_keys.partner_id (a column since GatewayInit, never set
    // until now) becomes a real foreign key on (tenant_id, partner_id): a key can only name a
    // partner of its own tenant, and a partner with linked keys cannot be deleted (RESTRICT).
    sqlMigration('GatewayPartners1765200000000', [
      `CREATE TABLE gateway.partners (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES gateway.tenants(id),
         name text NOT NULL,
         template text NOT NULL,
         default_identifier_field text NULL,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         CONSTRAINT partners_tenant_id_unique UNIQUE (tenant_id, id)
       )`,
      `CREATE UNIQUE INDEX partners_tenant_name ON gateway.partners (tenant_id, lower(name))`,
      `CREATE INDEX partners_tenant_created ON gateway.partners (tenant_id, created_at DESC, id DESC)`,
      `ALTER TABLE gateway.api_keys ADD CONSTRAINT api_keys_partner_fk
         FOREIGN KEY (tenant_id, partner_id) REFERENCES gateway.partners (tenant_id, id) ON DELETE RESTRICT`,
      `CREATE INDEX api_keys_partner ON gateway.api_keys (partner_id) WHERE partner_id IS NOT NULL`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.partners TO ${APP_ROLE}`,
    ]),
    // Field mappings (custom-integrations.md §2): per partner and resource, at most one active
    // (a partial unique index: activation deactivates the previous one in the same transaction).
    // `revision` grows with every change of the row; the gateway sends `<id>:<revision>` with each
    // request and services keep compiled mappings per revision, so a change applies to the very
    // next request. Deleting a partner deletes its mappings. The rules are `json`, not `jsonb`:
    // jsonb reorders object keys, and the order of `field_map` is part of the mapping (ties of the
    // write order, custom-integrations.md §5 step 5) and of what the admin reads back.
    sqlMigration('GatewayMappings1765300000000', [
      `CREATE TABLE gateway.mappings (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         partner_id uuid NOT NULL,
         resource text NOT NULL CHECK (resource IN ('orders', 'products', 'locations', 'inventory')),
         name text NOT NULL,
         is_active boolean NOT NULL,
         identifier_field text NULL,
         field_map json NOT NULL,
         nested_mappings json NOT NULL,
         static_values json NOT NULL,
         revision integer NOT NULL DEFAULT 1,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         CONSTRAINT mappings_partner_fk FOREIGN KEY (tenant_id, partner_id) REFERENCES gateway.partners (tenant_id, id) ON DELETE CASCADE
       )`,
      `CREATE UNIQUE INDEX mappings_one_active ON gateway.mappings (partner_id, resource) WHERE is_active`,
      `CREATE INDEX mappings_partner_created ON gateway.mappings (tenant_id, partner_id, created_at DESC, id DESC)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.mappings TO ${APP_ROLE}`,
    ]),
    // Integration logs (integration-logs.md): one row per logged integration request, in a table
    // PARTITIONED BY RANGE (created_at) with one partition per UTC day, so that retention drops
    // whole days (DROP TABLE of a partition: no vacuum, no bloat) and every list scans only the
    // partitions of its time range, newest first (ordered Append over the partitions).
    // - No foreign keys: an entry survives the deletion of its key or partner (their id and name
    //   are copied), and an insert checks nothing but itself.
    // - id is a UUIDv7 whose timestamp is created_at (to the millisecond): the item lookup derives
    //   the one partition to read from the id itself.
    // - Payloads are json (not jsonb): json keeps the text as sent (key order, duplicate keys,
    //   \u0000 escapes), jsonb would reorder and reject.
    // - Indexes (each one per partition, so each stays small and goes away with its day):
    //   the primary key (tenant_id, created_at, id) is the keyset of every tenant list (scanned
    //   backwards for newest first) and of the item lookup; partner, api_key and internal_id are
    //   ids of their own (no tenant_id prefix: the tenant is still checked on the row); identifier
    //   and request_id are caller text (identifier per tenant); non-success entries have a partial
    //   index of their own, so "the errors of the last days" (status or a non-2xx http_status)
    //   never walks the successes. resource, action and a 2xx http_status filter on the primary key
    //   walk (they split the volume only a few ways).
    // Partitions are created ahead (today and the next days) and dropped by the gateway through the
    // two SECURITY DEFINER functions below: the application role may do exactly that and no other
    // DDL. The retention is per tenant (gateway.tenants.log_retention_days, at least 90 days).
    sqlMigration('GatewayIntegrationLogs1765400000000', [
      `ALTER TABLE gateway.tenants ADD COLUMN log_retention_days integer NOT NULL DEFAULT 90 CHECK (log_retention_days >= 90 AND log_retention_days <= 3650)`,
      `CREATE TABLE gateway.integration_logs (
         id uuid NOT NULL,
         tenant_id uuid NOT NULL,
         created_at timestamptz NOT NULL,
         request_id text NOT NULL,
         partner_id uuid NULL,
         partner_name text NULL,
         api_key_id uuid NOT NULL,
         api_key_name text NOT NULL,
         resource text NULL,
         action text NULL,
         identifier text NULL,
         method text NOT NULL,
         path text NOT NULL,
         query_string text NOT NULL,
         raw_payload json NULL,
         mapped_payload json NULL,
         response_body json NULL,
         http_status smallint NOT NULL,
         status text NOT NULL,
         error_code text NULL,
         error_message text NULL,
         internal_id uuid NULL,
         duration_ms integer NOT NULL,
         shortened_fields text[] NOT NULL DEFAULT '{}',
         CONSTRAINT integration_logs_pkey PRIMARY KEY (tenant_id, created_at, id)
       ) PARTITION BY RANGE (created_at)`,
      `CREATE INDEX integration_logs_partner ON gateway.integration_logs (partner_id, created_at, id) WHERE partner_id IS NOT NULL`,
      `CREATE INDEX integration_logs_api_key ON gateway.integration_logs (api_key_id, created_at, id)`,
      `CREATE INDEX integration_logs_request_id ON gateway.integration_logs (request_id)`,
      `CREATE INDEX integration_logs_identifier ON gateway.integration_logs (tenant_id, identifier, created_at) WHERE identifier IS NOT NULL`,
      `CREATE INDEX integration_logs_internal_id ON gateway.integration_logs (internal_id) WHERE internal_id IS NOT NULL`,
      `CREATE INDEX integration_logs_not_success ON gateway.integration_logs (tenant_id, created_at, id) WHERE status <> 'success'`,
      // A payload as stored (the writer sends JSON text, never parsed in Node): kind 'text' → the
      // text as a JSON string; 'json' / 'maybeJson' → the JSON value when the text is valid JSON,
      // else the text as a JSON string; 'objectOrNull' → the value when it is a JSON object, else
      // NULL. A function (not a CASE in the INSERT) so that no invalid cast is ever folded at plan time.
      `CREATE FUNCTION gateway.integration_log_json(t text, kind text) RETURNS json
         LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
         BEGIN
           IF kind = 'text' THEN
             RETURN to_json(t);
           END IF;
           IF NOT pg_input_is_valid(t, 'json') THEN
             RETURN CASE WHEN kind = 'objectOrNull' THEN NULL ELSE to_json(t) END;
           END IF;
           IF kind = 'objectOrNull' AND t !~ '^[ \t\n\r]*[{]' THEN
             RETURN NULL;
           END IF;
           RETURN t::json;
         END
       $$`,
      // Creates the partitions of `days` UTC days from first_day that do not exist yet; returns how many it created.
      `CREATE FUNCTION gateway.integration_logs_create_partitions(first_day date, days integer) RETURNS integer
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
         DECLARE
           d date;
           part text;
           created integer := 0;
         BEGIN
           IF first_day IS NULL OR days IS NULL OR days < 1 OR days > 62 THEN
             RAISE EXCEPTION 'integration_logs_create_partitions: days must be 1 to 62';
           END IF;
           -- One creator at a time (several gateways start together).
           PERFORM pg_advisory_xact_lock(hashtext('gateway.integration_logs partitions'));
           FOR i IN 0 .. days - 1 LOOP
             d := first_day + i;
             part := 'integration_logs_p' || to_char(d, 'YYYYMMDD');
             IF to_regclass('gateway.' || part) IS NULL THEN
               EXECUTE format('CREATE TABLE gateway.%I PARTITION OF gateway.integration_logs FOR VALUES FROM (%L) TO (%L)',
                 part, d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
               created := created + 1;
             END IF;
           END LOOP;
           RETURN created;
         END
       $$`,
      // Drops the partitions whose whole day lies before before_day (UTC); returns the days dropped.
      `CREATE FUNCTION gateway.integration_logs_drop_partitions(before_day date) RETURNS SETOF date
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
         DECLARE
           part record;
           day date;
         BEGIN
           PERFORM pg_advisory_xact_lock(hashtext('gateway.integration_logs partitions'));
           FOR part IN
             SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'gateway.integration_logs'::regclass AND c.relname ~ '^integration_logs_p[0-9]{8}$'
              ORDER BY c.relname
           LOOP
             day := to_date(substr(part.relname, 19), 'YYYYMMDD');
             IF day + 1 <= before_day THEN
               EXECUTE format('DROP TABLE gateway.%I', part.relname);
               RETURN NEXT day;
             END IF;
           END LOOP;
         END
       $$`,
      `REVOKE ALL ON FUNCTION gateway.integration_logs_create_partitions(date, integer), gateway.integration_logs_drop_partitions(date) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION gateway.integration_logs_create_partitions(date, integer), gateway.integration_logs_drop_partitions(date) TO ${APP_ROLE}`,
      // DELETE: the purge of tenants whose retention is shorter than the longest one (rows inside
      // partitions that must stay for others). Entries are never updated.
      `GRANT SELECT, INSERT, DELETE ON gateway.integration_logs TO ${APP_ROLE}`,
      `SELECT gateway.integration_logs_create_partitions((now() AT TIME ZONE 'UTC')::date - 1, 5)`,
    ]),
    // Per-key rate limit and concurrency across gateway instances (limits-and-versioning.md §3–§4,
    // key-limits.ts). UNLOGGED: this state is short-lived and rebuilt by itself, and it is written on
    // hot paths (no WAL, ~5x the throughput of a logged table). After a database crash the tables
    // come back empty: every bucket full, every slot free (the gateways' heartbeats then find
    // their leases gone and stop using them).
    // - key_rate_limits: GCRA, one theoretical arrival time per rate-limited key, epoch seconds of
    //   the database's clock; `allowed` and `checked_at` let RETURNING report the last decision.
    // - key_slots: 50 rows per key (created by the first claim), each free (holder NULL) or leased
    //   by one gateway instance until lease_until (database clock): never more than 50 leased.
    // - key_slot_demand: gateways that wanted more slots of a key than they got, refreshed by
    //   their claims: the holders give slots back down to a fair share while it is fresh.
    sqlMigration('GatewayKeyLimits1765500000000', [
      `CREATE UNLOGGED TABLE gateway.key_rate_limits (
         key_id uuid PRIMARY KEY,
         tat double precision NOT NULL,
         checked_at double precision NOT NULL,
         allowed boolean NOT NULL
       )`,
      `CREATE UNLOGGED TABLE gateway.key_slots (
         key_id uuid NOT NULL,
         slot smallint NOT NULL,
         holder text NULL,
         lease_until timestamptz NULL,
         PRIMARY KEY (key_id, slot)
       )`,
      `CREATE INDEX key_slots_holder ON gateway.key_slots (holder) WHERE holder IS NOT NULL`,
      `CREATE UNLOGGED TABLE gateway.key_slot_demand (
         key_id uuid NOT NULL,
         holder text NOT NULL,
         waiting integer NOT NULL,
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (key_id, holder)
       )`,
      // One round trip: claims up to p_claim free or expired slots (creating the key's 50 rows the
      // first time), records or clears the holder's demand, counts the other holders waiting and
      // their waiting requests.
      `CREATE FUNCTION gateway.claim_key_slots(p_key uuid, p_holder text, p_claim integer, p_wanting integer, p_lease_ms integer)
         RETURNS TABLE (claimed smallint[], others integer, others_queued integer) LANGUAGE plpgsql AS $$
         DECLARE
           got smallint[] := '{}';
           attempt integer := 0;
           n_others integer;
           n_queued integer;
         BEGIN
           WHILE p_claim > 0 AND attempt < 2 LOOP
             attempt := attempt + 1;
             WITH c AS (
               SELECT s.slot FROM gateway.key_slots s
                WHERE s.key_id = p_key AND (s.holder IS NULL OR s.lease_until < clock_timestamp())
                ORDER BY s.slot LIMIT p_claim FOR UPDATE SKIP LOCKED
             ), u AS (
               UPDATE gateway.key_slots s SET holder = p_holder, lease_until = clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0)
                 FROM c WHERE s.key_id = p_key AND s.slot = c.slot RETURNING s.slot
             )
             SELECT coalesce(array_agg(u.slot), '{}') INTO got FROM u;
             EXIT WHEN cardinality(got) > 0 OR EXISTS (SELECT 1 FROM gateway.key_slots s WHERE s.key_id = p_key);
             INSERT INTO gateway.key_slots (key_id, slot) SELECT p_key, g FROM generate_series(0, 49) g ON CONFLICT DO NOTHING;
           END LOOP;
           IF cardinality(got) < p_wanting THEN
             INSERT INTO gateway.key_slot_demand AS d (key_id, holder, waiting, updated_at)
               VALUES (p_key, p_holder, p_wanting - cardinality(got), clock_timestamp())
               ON CONFLICT (key_id, holder) DO UPDATE SET waiting = EXCLUDED.waiting, updated_at = EXCLUDED.updated_at;
           ELSE
             DELETE FROM gateway.key_slot_demand d WHERE d.key_id = p_key AND d.holder = p_holder;
           END IF;
           SELECT count(*)::integer, coalesce(sum(d.waiting), 0)::integer INTO n_others, n_queued FROM gateway.key_slot_demand d
             WHERE d.key_id = p_key AND d.holder <> p_holder AND d.updated_at > clock_timestamp() - interval '2 seconds';
           RETURN QUERY SELECT got, n_others, n_queued;
         END
       $$`,
      // The heartbeat: every lease of the holder renewed in one statement; per key, the slots it
      // still holds, the other holders waiting and their waiting requests.
      `CREATE FUNCTION gateway.renew_key_slot_leases(p_holder text, p_lease_ms integer)
         RETURNS TABLE (key_id uuid, slots smallint[], others integer, others_queued integer) LANGUAGE sql AS $$
         WITH r AS (
           UPDATE gateway.key_slots s SET lease_until = clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0)
            WHERE s.holder = p_holder RETURNING s.key_id, s.slot
         ), k AS (
           SELECT r.key_id, array_agg(r.slot) AS slots FROM r GROUP BY r.key_id
         )
         SELECT k.key_id, k.slots, o.n, o.q FROM k CROSS JOIN LATERAL (
           SELECT count(*)::integer AS n, coalesce(sum(d.waiting), 0)::integer AS q FROM gateway.key_slot_demand d
            WHERE d.key_id = k.key_id AND d.holder <> p_holder AND d.updated_at > clock_timestamp() - interval '2 seconds'
         ) o
       $$`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.key_rate_limits, gateway.key_slots, gateway.key_slot_demand TO ${APP_ROLE}`,
      `GRANT EXECUTE ON FUNCTION gateway.claim_key_slots(uuid, text, integer, integer, integer), gateway.renew_key_slot_leases(text, integer) TO ${APP_ROLE}`,
    ]),
    // The gateways' cache of key state (key-state-cache.ts; auth-and-keys.md §4.4): every committed
    // change of what the key lookup reads bumps gateway.key_state.seq and NOTIFYs it; each gateway
    // flushes its cache on the notification and acknowledges the seq in gateway.gateway_instances;
    // the writer returns once every live gateway acknowledged. The row lock on key_state orders the
    // changes: a seq is committed once it is visible, and notifications arrive in seq order.
    sqlMigration('GatewayKeyStateCache1765600000000', [
      `CREATE TABLE gateway.key_state (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL)`,
      `INSERT INTO gateway.key_state (id, seq) VALUES (1, 0)`,
      `CREATE TABLE gateway.gateway_instances (
         id uuid PRIMARY KEY,
         acked bigint NOT NULL DEFAULT 0,
         heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         started_at timestamptz NOT NULL DEFAULT clock_timestamp()
       )`,
      `CREATE FUNCTION gateway.key_state_changed() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
         DECLARE
           s bigint;
         BEGIN
           UPDATE gateway.key_state SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO s;
           -- The writer's own seq, for this transaction only: it waits for the acknowledgements of it.
           PERFORM set_config('datamingle.key_state_seq', s::text, true);
           PERFORM pg_notify('gateway_key_state', s::text);
           RETURN NULL;
         END
       $$`,
      // Every column the key lookup reads (findKeyByHash); not last_used_at or log_retention_days.
      `CREATE TRIGGER api_keys_key_state AFTER INSERT OR DELETE OR UPDATE OF tenant_id, name, key_hash, scopes, partner_id, expires_at, is_active, rate_limit_per_second
         ON gateway.api_keys FOR EACH STATEMENT EXECUTE FUNCTION gateway.key_state_changed()`,
      `CREATE TRIGGER tenants_key_state AFTER DELETE OR UPDATE OF slug, integration_enabled
         ON gateway.tenants FOR EACH STATEMENT EXECUTE FUNCTION gateway.key_state_changed()`,
      `CREATE TRIGGER partners_key_state AFTER DELETE OR UPDATE OF name, default_identifier_field
         ON gateway.partners FOR EACH STATEMENT EXECUTE FUNCTION gateway.key_state_changed()`,
      `CREATE TRIGGER mappings_key_state AFTER INSERT OR DELETE OR UPDATE
         ON gateway.mappings FOR EACH STATEMENT EXECUTE FUNCTION gateway.key_state_changed()`,
      `GRANT SELECT, UPDATE ON gateway.key_state TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.gateway_instances TO ${APP_ROLE}`,
    ]),
    // Idempotency-Key (history-feed-idempotency.md §3; idempotency-store.ts): one row per (API key,
    // Idempotency-Key): the request's fingerprint, then its stored response. A claim is a row
    // in_flight with a claim id; an expired row (24 h) or a claim abandoned by a gateway that died
    // is taken over by the next request with the key. No foreign key to gateway.api_keys: its
    // check would take a KEY SHARE lock on the key's row for every insert (a multixact per write
    // under concurrency, measured at 0.26 ms per claim); a deleted key's rows cannot be reached
    // (the key no longer authenticates) and are purged with the others. fillfactor 70 and a BRIN
    // index on expires_at keep the settling UPDATE a HOT update (no index entry to add).
    sqlMigration('GatewayIdempotencyKeys1765700000000', [
      `CREATE TABLE gateway.idempotency_keys (
         api_key_id uuid NOT NULL,
         idempotency_key text NOT NULL CHECK (octet_length(idempotency_key) BETWEEN 1 AND 255),
         fingerprint bytea NOT NULL,
         claim_id uuid NOT NULL,
         state text NOT NULL CHECK (state IN ('in_flight', 'done')),
         status smallint NULL,
         headers jsonb NULL,
         body text NULL,
         claimed_at timestamptz NOT NULL,
         expires_at timestamptz NOT NULL,
         PRIMARY KEY (api_key_id, idempotency_key)
       ) WITH (fillfactor = 70)`,
      `CREATE INDEX idempotency_keys_expires_at ON gateway.idempotency_keys USING brin (expires_at)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.idempotency_keys TO ${APP_ROLE}`,
    ]),
    // The change feed's cursors (history-feed-idempotency.md §2) are signed with this secret, so
    // they are tamper-proof and bound to their tenant; kept as long as the installation (a cursor
    // stays valid well beyond the spec's 30 days).
    sqlMigration('GatewayChangeFeed1765800000000', [
      `INSERT INTO gateway.settings (name, value)
         VALUES ('feed_cursor_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
         ON CONFLICT (name) DO NOTHING`,
    ]),
  ],
};
