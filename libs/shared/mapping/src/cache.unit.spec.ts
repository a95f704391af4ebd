/** Compile once per version (MappingCache), the preview helper, non-object bodies, and the bulk's cost. */
import { compileMapping, MappingCache, previewMapping, templateMapping } from './index';

describe('MappingCache', () => {
  it('compiles a version once and evicts the least recently used', () => {
    const cache = new MappingCache(2);
    let loads = 0;
    const load = () => (loads++, { resource: 'orders', field_map: { a: 'notes' } });
    const first = cache.get('m1:v1', load);
    expect(cache.get('m1:v1', load)).toBe(first);
    expect(loads).toBe(1);
    cache.get('m2:v1', load);
    cache.get('m1:v1', load); // m1 is now the most recent
    cache.get('m3:v1', load); // evicts m2
    expect(cache.size).toBe(2);
    expect(cache.get('m1:v1', load)).toBe(first);
    cache.get('m2:v1', load);
    expect(loads).toBe(4);
  });
});

describe('previewMapping', () => {
  const m = compileMapping(templateMapping('acumatica', 'orders'));
  it('returns the mapped payload, or the MAPPING_ERROR details', () => {
    expect(previewMapping(m, 'PUT', { OrderNbr: 'A' })).toEqual({ mapped_payload: { order_number: 'A' }, errors: {} });
    expect(previewMapping(m, 'POST', { Details: 'x' })).toEqual({ mapped_payload: null, errors: { Details: ['Expected an array, got string.'] } });
  });
});

describe('forward', () => {
  it('leaves a non-object body to validation', () => {
    const m = compileMapping({ resource: 'orders', field_map: { a: 'notes' } });
    expect(m.forward([1] as unknown as Record<string, unknown>, 'POST')).toEqual({ ok: true, value: [1] });
  });

  it('maps a 50,000-row inventory bulk in linear time (well under a second)', () => {
    const m = compileMapping(templateMapping('acumatica', 'inventory'));
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ LocationID: 'L', InventoryID: `S${i}`, OnHand: i }));
    const start = performance.now();
    const result = m.forward({ Results: rows }, 'POST');
    const ms = performance.now() - start;
    expect(result.ok && (result.value.inventory as unknown[]).length).toBe(50_000);
    expect(result.ok && (result.value.inventory as unknown[])[49_999]).toEqual({ location_code: 'L', sku_code: 'S49999', quantity: 49_999 });
    expect(ms).toBeLessThan(1000);
  });
});
