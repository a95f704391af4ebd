import { postgresEventStoreMigration } from '@datamingle/event-store-adapters';
import { catalogMigrations } from '@datamingle/catalog-infrastructure';
import { gatewayMigrations } from '@datamingle/gateway-infrastructure';
import { inventoryMigrations } from '@datamingle/inventory-infrastructure';
import { ordersMigrations } from '@datamingle/orders-infrastructure';
import type { PlatformConfig } from '@datamingle/platform';
import { APP_ROLE, runMigrationSets, sqlMigration, type MigrationSet } from '@datamingle/read-model';

export function migrationSets(config: PlatformConfig): MigrationSet[] {
  const sets: MigrationSet[] = [gatewayMigrations, ordersMigrations, catalogMigrations, inventoryMigrations];
  if (config.eventStore === 'postgres') {
    sets.unshift({
      name: 'event_store',
      migrations: [
        sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')]),
        // The inventory bulk write appends its events in the same transaction as its read-model
        // rows, on a service connection (role APP_ROLE).
        sqlMigration('EventStoreAppRole1764100000600', [
          `GRANT USAGE ON SCHEMA event_store TO ${APP_ROLE}`,
          `GRANT SELECT, INSERT, UPDATE ON event_store.streams, event_store.events TO ${APP_ROLE}`,
          `GRANT USAGE ON ALL SEQUENCES IN SCHEMA event_store TO ${APP_ROLE}`,
        ]),
      ],
    });
  }
  return sets;
}

/** Applies every pending migration of every service (what `migrate` and `npm start` run). */
export function migrateAll(url: string, config: PlatformConfig): Promise<string[]> {
  return runMigrationSets(url, migrationSets(config));
}
