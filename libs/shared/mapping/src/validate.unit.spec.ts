/** Save-time validation (custom-integrations.md §2.3, §2.4): each rule refused with a path, and the stored form. */
import { unwrap, unwrapErr } from '@datamingle/kernel';
import { JsonNumberLiteral } from '@datamingle/kernel';
import { validateMapping } from './index';

const errorsOf = (input: unknown) => unwrapErr(validateMapping(input));

describe('validateMapping', () => {
  it('accepts §2.1 and stores it with the defaults of §2.3', () => {
    expect(unwrap(validateMapping({ resource: 'products' }))).toEqual({ resource: 'products', identifier_field: null, field_map: {}, nested_mappings: [], static_values: {}, is_active: true });
    expect(unwrap(validateMapping({ id: 'x', partner: 'p', resource: 'orders', name: 'n', is_active: false, created_at: 't', updated_at: 't' }))).toMatchObject({ name: 'n', is_active: false });
  });

  it('checks the schema: object, resource required and known, name, is_active, unknown fields', () => {
    expect(errorsOf('x')).toEqual({ non_field_errors: ['Expected a JSON object.'] });
    expect(errorsOf({})).toEqual({ resource: ['This field is required.'] });
    expect(errorsOf({ resource: 'widgets', name: '', is_active: 'yes', extra: 1 })).toEqual({
      extra: ['Unknown field.'],
      resource: ['"widgets" is not a valid choice.'],
      name: ['This field may not be blank.'],
      is_active: ['Must be a valid boolean.'],
    });
    expect(errorsOf({ resource: 'orders', name: 'x'.repeat(256) })).toEqual({ name: ['Ensure this field has no more than 255 characters.'] });
    expect(errorsOf({ resource: 'orders', field_map: [], static_values: 1, nested_mappings: {} })).toEqual({
      field_map: ['Expected a JSON object.'],
      static_values: ['Expected a JSON object.'],
      nested_mappings: ['Expected a list of items.'],
    });
  });

  it('rule 1: path grammar, 16 steps, indexes 0–999', () => {
    const seventeen = Array.from({ length: 17 }, (_, i) => `k${i}`).join('.');
    expect(errorsOf({ resource: 'orders', field_map: { 'a..b': 'notes', 'c[1000]': 'order_number', [seventeen]: 'customer_name', ok: 'metadata[01]', n: 5 } })).toEqual({
      'field_map.a..b': ['"a..b" is not a valid path.'],
      'field_map.c[1000]': ['"c[1000]" is not a valid path.'],
      [`field_map.${seventeen}`]: [`"${seventeen}" has more than 16 steps.`],
      'field_map.ok': ['"metadata[01]" is not a valid path.'],
      'field_map.n': ['Not a valid string.'],
    });
    expect(validateMapping({ resource: 'orders', field_map: { 'a[999].b': 'metadata.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o' } }).ok).toBe(true);
  });

  it('rule 2: top-level targets are fields of the resource; static values only request fields', () => {
    expect(errorsOf({ resource: 'products', field_map: { a: 'title', b: 'id' }, static_values: { created_at: 'x', 'custom_fields.s': 1, 'x.y': 2 } })).toEqual({
      'field_map.a': ['"title" is not a field of products.'],
      'static_values.created_at': ['"created_at" is not a request field of products.'],
      'static_values.x.y': ['"x" is not a request field of products.'],
    });
    expect(errorsOf({ resource: 'inventory', field_map: { a: 'id' } })).toEqual({ 'field_map.a': ['"id" is not a field of inventory.'] });
  });

  it('rule 3: nested mappings per resource, one at most, source not ending with an index', () => {
    const n = (source: string, target: string) => ({ source, target, field_map: {} });
    expect(errorsOf({ resource: 'products', nested_mappings: [n('L', 'items')] })).toEqual({ nested_mappings: ['products mappings have no nested mappings.'] });
    expect(errorsOf({ resource: 'orders', nested_mappings: [n('L', 'inventory')] })).toEqual({ 'nested_mappings[0].target': ['orders nested mappings must target "items".'] });
    expect(errorsOf({ resource: 'inventory', nested_mappings: [n('L[0]', 'inventory')] })).toEqual({ 'nested_mappings[0].source': ['The source path must not end with an index step.'] });
    expect(errorsOf({ resource: 'orders', nested_mappings: [n('A', 'items'), n('B', 'items')] }).nested_mappings).toEqual(['Ensure this field has no more than 1 elements.']);
    expect(errorsOf({ resource: 'orders', nested_mappings: [{ target: 'lines', x: 1 }, 3] })).toEqual({
      nested_mappings: ['Ensure this field has no more than 1 elements.'],
      'nested_mappings[0].x': ['Unknown field.'],
      'nested_mappings[0].source': ['This field is required.'],
      'nested_mappings[0].target': ['"lines" is not a valid choice.'],
      'nested_mappings[0].field_map': ['This field is required.'],
      'nested_mappings[1]': ['Expected a JSON object.'],
    });
  });

  it('rule 4: element targets are element fields', () => {
    expect(errorsOf({ resource: 'inventory', nested_mappings: [{ source: 'R', target: 'inventory', field_map: { a: 'sku', b: 'updated_at', c: 'quantity' } }] })).toEqual({
      'nested_mappings[0].field_map.a': ['"sku" is not a field of an inventory element.'],
    });
  });

  it('rule 5: unique targets, nothing inside a nested target, a source not both nested and field_map', () => {
    expect(
      errorsOf({
        resource: 'orders',
        field_map: { a: 'notes', b: 'notes', c: 'items[0].notes', d: 'items', L: 'metadata.l' },
        static_values: { notes: 'x' },
        nested_mappings: [{ source: 'L', target: 'items', field_map: { x: 'notes', y: 'notes' } }],
      }),
    ).toEqual({
      'nested_mappings[0].field_map.y': ['The target "notes" is already used in this nested mapping.'],
      'field_map.b': ['The target "notes" is already used in this mapping.'],
      'field_map.c': ['The target "items[0].notes" lies inside the nested target "items".'],
      'field_map.d': ['The target "items" lies inside the nested target "items".'],
      'field_map.L': ['"L" is both a nested source and a field_map source.'],
      'static_values.notes': ['The target "notes" is already used in this mapping.'],
    });
    // prefix relations are allowed
    expect(validateMapping({ resource: 'orders', field_map: { shipping_address: 'customer_info', 'shipping_address.name': 'customer_info.phone' } }).ok).toBe(true);
  });

  it('rule 6: identifier_field', () => {
    expect(errorsOf({ resource: 'products', identifier_field: 'order_number' })).toEqual({ identifier_field: ['"order_number" is not a valid choice.'] });
    expect(errorsOf({ resource: 'inventory', identifier_field: 'sku' })).toEqual({ identifier_field: ['"sku" is not a valid choice.'] });
    expect(errorsOf({ resource: 'orders', identifier_field: 3 })).toEqual({ identifier_field: ['Not a valid string.'] });
    expect(unwrap(validateMapping({ resource: 'orders', identifier_field: 'external_order_id' })).identifier_field).toBe('external_order_id');
  });

  it('rule 7 and the schema limits: sizes and entry counts', () => {
    expect(errorsOf({ resource: 'orders', static_values: { notes: 'x'.repeat(65_535) } })).toEqual({ 'static_values.notes': ['Ensure this value is no larger than 65536 bytes when serialized.'] });
    expect(validateMapping({ resource: 'orders', static_values: { notes: 'x'.repeat(65_534) } }).ok).toBe(true);
    const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`metadata.k${i}`, 'y'.repeat(60_000)]));
    expect(errorsOf({ resource: 'orders', static_values: big })).toEqual({ non_field_errors: ['Ensure the mapping is no larger than 262144 bytes when serialized.'] });
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`s${i}`, `metadata.k${i}`]));
    expect(errorsOf({ resource: 'orders', field_map: many })).toEqual({ field_map: ['Ensure this object has no more than 500 entries.'] });
    const statics = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`metadata.k${i}`, i]));
    expect(errorsOf({ resource: 'orders', static_values: statics })).toEqual({ static_values: ['Ensure this object has no more than 100 entries.'] });
    expect(errorsOf({ resource: 'orders', static_values: { notes: new JsonNumberLiteral('1e400') } })).toEqual({ 'static_values.notes': ['A number in this value cannot be stored exactly.'] });
  });
});
