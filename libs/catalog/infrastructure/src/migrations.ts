import { APP_ROLE, sqlMigration, tenantIsolationSql, type MigrationSet } from '@datamingle/read-model';

export const catalogMigrations: MigrationSet = {
  name: 'catalog',
  migrations: [
    sqlMigration('CatalogInit1764100002000', [
      `CREATE SCHEMA IF NOT EXISTS catalog`,
      `GRANT USAGE ON SCHEMA catalog TO ${APP_ROLE}`,
      `CREATE TABLE catalog.products (
         stream_name text PRIMARY KEY,
         tenant_id uuid NOT NULL,
         id uuid NOT NULL,
         sku text NOT NULL,
         is_active boolean NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         revision bigint NOT NULL,
         doc json NOT NULL
       )`,
      `CREATE UNIQUE INDEX products_tenant_id ON catalog.products (tenant_id, id)`,
      `CREATE UNIQUE INDEX products_tenant_sku ON catalog.products (tenant_id, sku)`,
      `CREATE INDEX products_tenant_active_created ON catalog.products (tenant_id, created_at DESC, id DESC) WHERE is_active`,
      ...tenantIsolationSql('catalog.products'),
      `CREATE TABLE catalog.projection_checkpoints (projection text PRIMARY KEY, position text NOT NULL)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON catalog.projection_checkpoints TO ${APP_ROLE}`,
    ]),
  ],
};
