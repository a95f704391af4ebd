import { readAllStreamFilter } from './kurrentdb-event-store';

/** The `$all` filters of the KurrentDB adapter (KurrentDB cannot run in this CI: the regexes are checked here). */
describe('readAllStreamFilter', () => {
  const matches = (options: Parameters<typeof readAllStreamFilter>[0], name: string) => new RegExp(readAllStreamFilter(options)).test(name);
  const tenant = '6f1d2c3b-0000-4000-8000-000000000001';
  const other = '6f1d2c3b-0000-4000-8000-000000000002';

  it('keeps every user stream, never system streams, without options', () => {
    expect(matches({}, `order-${tenant}-abc`)).toBe(true);
    expect(matches({}, '$et-OrderCreated')).toBe(false);
  });

  it('keeps the categories asked for: the stream named like the category and <category>-…, not a longer category', () => {
    expect(matches({ categories: ['order'] }, `order-${tenant}-abc`)).toBe(true);
    expect(matches({ categories: ['order'] }, 'order')).toBe(true);
    expect(matches({ categories: ['order'] }, `orders-${tenant}-abc`)).toBe(false);
    expect(matches({ categories: ['order', 'product'] }, `product-${tenant}-x`)).toBe(true);
    expect(matches({ categories: ['a.b'] }, 'axb-1')).toBe(false);
  });

  it('keeps one tenant’s streams, of every category or of the ones asked for', () => {
    expect(matches({ tenantId: tenant }, `order-${tenant}-abc`)).toBe(true);
    expect(matches({ tenantId: tenant }, `inventory-${tenant}-${other}`)).toBe(true);
    expect(matches({ tenantId: tenant }, `order-${other}-abc`)).toBe(false);
    expect(matches({ tenantId: tenant }, `$ce-order-${tenant}-abc`)).toBe(false);
    expect(matches({ tenantId: tenant, categories: ['product'] }, `order-${tenant}-abc`)).toBe(false);
    expect(matches({ tenantId: tenant, categories: ['product', 'order'] }, `order-${tenant}-abc`)).toBe(true);
    // A tenant id is matched literally, never as a pattern.
    expect(matches({ tenantId: 'a.c' }, 'order-abc-1')).toBe(false);
  });
});
