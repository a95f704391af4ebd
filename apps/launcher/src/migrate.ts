import { postgresEventStoreMigration } from '@datamingle/event-store';
import { catalogMigrations } from '@datamingle/catalog-infrastructure';
import { gatewayMigrations } from '@datamingle/gateway-infrastructure';
import { ordersMigrations } from '@datamingle/orders-infrastructure';
import type { PlatformConfig } from '@datamingle/platform';
import { runMigrationSets, sqlMigration, type MigrationSet } from '@datamingle/read-model';

export function migrationSets(config: PlatformConfig): MigrationSet[] {
  const sets: MigrationSet[] = [gatewayMigrations, ordersMigrations, catalogMigrations];
  if (config.eventStore === 'postgres') {
    sets.unshift({ name: 'event_store', migrations: [sqlMigration('EventStoreInit1764100000500', [postgresEventStoreMigration('event_store')])] });
  }
  return sets;
}

/** Applies every pending migration of every service (what `migrate` and `npm start` run). */
export function migrateAll(url: string, config: PlatformConfig): Promise<string[]> {
  return runMigrationSets(url, migrationSets(config));
}
