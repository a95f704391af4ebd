/**
 * The admin store's int specs' database: a fresh, migrated gateway schema on the test server,
 * read through two data sources — the owner's (unrestricted, to inspect rows) and the application
 * role's, like the gateway — with an AdminStore and a GatewayStore on the latter. Test support only.
 */
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, runMigrationSets } from '@datamingle/read-model';
import { createTestDatabase } from '@datamingle/testing';
import { AdminStore } from '../admin-store';
import { GatewayStore } from '../gateway-store';
import { gatewayMigrations } from '../migrations';

export interface AdminDatabase {
  owner: DataSource;
  app: DataSource;
  store: AdminStore;
  gateway: GatewayStore;
  close(): Promise<void>;
}

export async function openAdminDatabase(name: string): Promise<AdminDatabase> {
  const url = await createTestDatabase(name);
  await runMigrationSets(url, [gatewayMigrations]);
  const owner = createReadModelDataSource({ url, poolSize: 2, restricted: false });
  const app = createReadModelDataSource({ url, poolSize: 4 });
  await Promise.all([owner.initialize(), app.initialize()]);
  return {
    owner,
    app,
    store: new AdminStore(app),
    gateway: new GatewayStore(app),
    close: async () => {
      await app.destroy();
      await owner.destroy();
    },
  };
}
