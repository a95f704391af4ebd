import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@datamingle/testing';
import { asTenant, createReadModelDataSource, inTransaction, withTenant } from './data-source';
import { runMigrationSets, sqlMigration, tenantIsolationSql } from './migrations';

describe('row-level security on read models', () => {
  let url: string;
  let ds: DataSource;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    url = await createTestDatabase('rls');
    await runMigrationSets(url, [
      {
        name: 'rlstest',
        migrations: [
          sqlMigration('RlsTest1700000000000', [
            `CREATE SCHEMA rlstest`,
            `CREATE TABLE rlstest.things (tenant_id uuid NOT NULL, id uuid PRIMARY KEY, label text NOT NULL)`,
            `GRANT USAGE ON SCHEMA rlstest TO datamingle_app`,
            ...tenantIsolationSql('rlstest.things'),
          ]),
        ],
      },
    ]);
    ds = createReadModelDataSource({ url, poolSize: 2 });
    await ds.initialize();
    await withTenant(ds, tenantA, (qr) => qr.query(`INSERT INTO rlstest.things VALUES ($1, $2, 'a1'), ($1, $3, 'a2')`, [tenantA, randomUUID(), randomUUID()]));
    await withTenant(ds, tenantB, (qr) => qr.query(`INSERT INTO rlstest.things VALUES ($1, $2, 'b1')`, [tenantB, randomUUID()]));
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  it('connections act as the restricted application role', async () => {
    const [row] = await ds.query(`SELECT current_user AS u`);
    expect(row.u).toBe('datamingle_app');
  });

  it('a query that forgets the tenant filter still sees only the current tenant', async () => {
    const rows = await withTenant(ds, tenantA, (qr) => qr.query(`SELECT label FROM rlstest.things ORDER BY label`));
    expect(rows.map((r: { label: string }) => r.label)).toEqual(['a1', 'a2']);
    const rowsB = await withTenant(ds, tenantB, (qr) => qr.query(`SELECT label FROM rlstest.things`));
    expect(rowsB.map((r: { label: string }) => r.label)).toEqual(['b1']);
  });

  it('a pooled connection that served tenant A serves tenant B with B\'s rows only', async () => {
    for (let i = 0; i < 5; i++) {
      const a = await asTenant(ds, tenantA, (sql) => sql.query(`SELECT label FROM rlstest.things`));
      const b = await asTenant(ds, tenantB, (sql) => sql.query(`SELECT label FROM rlstest.things`));
      expect(a.map((r: { label: string }) => r.label).sort()).toEqual(['a1', 'a2']);
      expect(b.map((r: { label: string }) => r.label)).toEqual(['b1']);
    }
  });

  it('without a tenant nothing is visible', async () => {
    const rows = await inTransaction(ds, (qr) => qr.query(`SELECT label FROM rlstest.things`));
    expect(rows).toEqual([]);
  });

  it("writing another tenant's row is refused and changes nothing", async () => {
    await expect(
      withTenant(ds, tenantA, (qr) => qr.query(`INSERT INTO rlstest.things VALUES ($1, $2, 'sneaky')`, [tenantB, randomUUID()])),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(ds, tenantA, (qr) => qr.query(`UPDATE rlstest.things SET label = 'x' WHERE tenant_id = $1 RETURNING id`, [tenantB]));
    expect(updated).toEqual([]);
    const rowsB = await withTenant(ds, tenantB, (qr) => qr.query(`SELECT label FROM rlstest.things`));
    expect(rowsB.map((r: { label: string }) => r.label)).toEqual(['b1']);
  });
});
