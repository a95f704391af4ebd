import { APP_ROLE, sqlMigration, tenantIsolationSql, type MigrationSet } from '@datamingle/read-model';

export const ordersMigrations: MigrationSet = {
  name: 'orders',
  migrations: [
    sqlMigration('OrdersInit1764100001000', [
      `CREATE SCHEMA IF NOT EXISTS orders`,
      `GRANT USAGE ON SCHEMA orders TO ${APP_ROLE}`,
      // One row per order stream: the full API representation (json, not jsonb, so its key order is
      // kept as the API returns it) plus the columns we filter and sort on.
      `CREATE TABLE orders.orders (
         stream_name text PRIMARY KEY,
         tenant_id uuid NOT NULL,
         id uuid NOT NULL,
         order_number text NOT NULL,
         external_order_id text NULL,
         status text NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         revision bigint NOT NULL,
         doc json NOT NULL
       )`,
      `CREATE UNIQUE INDEX orders_tenant_id ON orders.orders (tenant_id, id)`,
      `CREATE UNIQUE INDEX orders_tenant_order_number ON orders.orders (tenant_id, order_number)`,
      `CREATE INDEX orders_tenant_external_id ON orders.orders (tenant_id, external_order_id) WHERE external_order_id IS NOT NULL`,
      `CREATE INDEX orders_tenant_created ON orders.orders (tenant_id, created_at DESC, id DESC)`,
      `CREATE INDEX orders_tenant_updated ON orders.orders (tenant_id, updated_at)`,
      ...tenantIsolationSql('orders.orders'),
      `CREATE TABLE orders.projection_checkpoints (projection text PRIMARY KEY, position text NOT NULL)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON orders.projection_checkpoints TO ${APP_ROLE}`,
    ]),
  ],
};
