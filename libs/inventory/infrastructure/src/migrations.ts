import { APP_ROLE, sqlMigration, tenantIsolationSql, type MigrationSet } from '@datamingle/read-model';

export const inventoryMigrations: MigrationSet = {
  name: 'inventory',
  migrations: [
    sqlMigration('InventoryInit1764100003000', [
      `CREATE SCHEMA IF NOT EXISTS inventory`,
      `GRANT USAGE ON SCHEMA inventory TO ${APP_ROLE}`,
      // Locations: one row per location stream, the API representation kept as json (key order).
      `CREATE TABLE inventory.locations (
         stream_name text PRIMARY KEY,
         tenant_id uuid NOT NULL,
         id uuid NOT NULL,
         code text NOT NULL,
         is_active boolean NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         revision bigint NOT NULL,
         doc json NOT NULL
       )`,
      `CREATE UNIQUE INDEX locations_tenant_id ON inventory.locations (tenant_id, id)`,
      `CREATE UNIQUE INDEX locations_tenant_code ON inventory.locations (tenant_id, code)`,
      `CREATE INDEX locations_tenant_active_created ON inventory.locations (tenant_id, created_at DESC, id DESC) WHERE is_active`,
      ...tenantIsolationSql('inventory.locations'),
      // Inventory levels: one row per (location, product). `revision` is the revision, in the
      // location's inventory stream, of the InventoryLevelSet event the row reflects.
      `CREATE TABLE inventory.levels (
         tenant_id uuid NOT NULL,
         id uuid NOT NULL,
         location_id uuid NOT NULL,
         location_code text NOT NULL,
         sku text NOT NULL,
         quantity bigint NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         stream_name text NOT NULL,
         revision bigint NOT NULL,
         PRIMARY KEY (tenant_id, location_id, sku)
       )`,
      `CREATE UNIQUE INDEX levels_tenant_id ON inventory.levels (tenant_id, id)`,
      `CREATE INDEX levels_tenant_created ON inventory.levels (tenant_id, created_at DESC, id DESC)`,
      `CREATE INDEX levels_tenant_sku_created ON inventory.levels (tenant_id, sku, created_at DESC, id DESC)`,
      ...tenantIsolationSql('inventory.levels'),
      `CREATE TABLE inventory.projection_checkpoints (projection text PRIMARY KEY, position text NOT NULL)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON inventory.projection_checkpoints TO ${APP_ROLE}`,
    ]),
  ],
};
