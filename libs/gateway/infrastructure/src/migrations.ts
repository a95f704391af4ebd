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
  ],
};
