import {
  defaultMappingName,
  mappingDefinition,
  mappingFilters,
  partnerTemplateMappings,
  runPreview,
  TEMPLATE_VIEWS,
  templateBySlug,
  validateMappingCreate,
  validateMappingReplace,
  validatePreview,
} from './mappings';
import type { FieldErrors } from './users';

const ID = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';

describe('mapping input (custom-integrations.md §2.3–2.4, admin.md §4)', () => {
  it('create: the §2.3 defaults; is_active default true; no name → null (the store names it after the partner)', () => {
    expect(validateMappingCreate({ resource: 'orders' })).toEqual({
      ok: true,
      value: { resource: 'orders', name: null, isActive: true, rules: { identifier_field: null, field_map: {}, nested_mappings: [], static_values: {} } },
    });
    const full = validateMappingCreate({
      resource: 'orders',
      name: 'Acumatica – orders',
      is_active: false,
      identifier_field: 'order_number',
      field_map: { OrderNbr: 'order_number', 'BillToContact.Email': 'customer_info.email' },
      nested_mappings: [{ source: 'Details', target: 'items', field_map: { InventoryID: 'sku_code' } }],
      static_values: { 'metadata.source': 'acumatica' },
    });
    expect(full).toMatchObject({ ok: true, value: { name: 'Acumatica – orders', isActive: false, rules: { identifier_field: 'order_number', static_values: { 'metadata.source': 'acumatica' } } } });
  });

  it('create: read-only fields are accepted and ignored, whatever their value', () => {
    const r = validateMappingCreate({ id: 'x', partner: 'y', created_at: 1, updated_at: null, resource: 'products' });
    expect(r).toMatchObject({ ok: true, value: { resource: 'products', name: null } });
  });

  it('create: the save-time errors at their paths (resource required, a target outside the resource, a duplicate target, an ineligible identifier field, unknown fields)', () => {
    expect(validateMappingCreate({})).toEqual({ ok: false, errors: { resource: ['This field is required.'] } });
    const bad = validateMappingCreate({
      resource: 'orders',
      identifier_field: 'sku',
      field_map: { Total: 'total_amount', A: 'notes', B: 'notes' },
      colour: 'red',
    });
    expect(bad).toEqual({
      ok: false,
      errors: {
        colour: ['Unknown field.'],
        identifier_field: ['"sku" is not a valid choice.'],
        'field_map.Total': ['"total_amount" is not a field of orders.'],
        'field_map.B': ['The target "notes" is already used in this mapping.'],
      },
    });
    expect(validateMappingCreate({ resource: 'inventory', identifier_field: 'code' })).toEqual({ ok: false, errors: { identifier_field: ['"code" is not a valid choice.'] } });
  });

  it('create and replace: U+0000 or an unpaired surrogate anywhere is refused at its path (PostgreSQL cannot store it)', () => {
    expect(validateMappingCreate({ resource: 'orders', name: 'a\u0000b', field_map: { 'x\u0000': 'notes', Ok: 'order_number', Bad: '\ud800' } })).toEqual({
      ok: false,
      errors: { name: ['Not a valid string.'], 'field_map.x\u0000': ['Not a valid string.'], 'field_map.Bad': ['Not a valid string.'] },
    });
    expect(validateMappingReplace({ resource: 'orders', static_values: { notes: ['ok', 'x\udc00'] } }, { resource: 'orders' })).toEqual({
      ok: false,
      errors: { 'static_values.notes[1]': ['Not a valid string.'] },
    });
    expect(validateMappingCreate({ resource: 'orders', 'bad\u0000': 1 })).toEqual({ ok: false, errors: { non_field_errors: ['Not a valid string.'] } });
    // Paired surrogates (an emoji) are fine.
    expect(validateMappingCreate({ resource: 'orders', name: 'Orders \u{1F600}' }).ok).toBe(true);
    // A body key `__proto__` is an own member of the errors, not the prototype.
    const proto = JSON.parse('{"resource": "orders", "__proto__": "\\u0000"}') as Record<string, unknown>;
    const r = validateMappingCreate(proto);
    expect(r.ok).toBe(false);
    expect(Object.prototype.hasOwnProperty.call((r as { errors: FieldErrors }).errors, '__proto__')).toBe(true);
  });

  it('replace: resource required and fixed (the rules judged against the mapping’s own resource meanwhile); name and is_active only when sent', () => {
    expect(validateMappingReplace({ resource: 'products', field_map: { Nbr: 'order_number' } }, { resource: 'orders' })).toEqual({
      ok: false,
      errors: { resource: ['This field cannot be changed.'] },
    });
    expect(validateMappingReplace({ resource: 'products', field_map: { X: 'sku' } }, { resource: 'orders' })).toEqual({
      ok: false,
      errors: { resource: ['This field cannot be changed.'], 'field_map.X': ['"sku" is not a field of orders.'] },
    });
    expect(validateMappingReplace({ field_map: {} }, { resource: 'orders' })).toEqual({ ok: false, errors: { resource: ['This field is required.'] } });
    expect(validateMappingReplace({ resource: 'orders', field_map: { Nbr: 'order_number' } }, { resource: 'orders' })).toEqual({
      ok: true,
      value: { rules: { identifier_field: null, field_map: { Nbr: 'order_number' }, nested_mappings: [], static_values: {} } },
    });
    expect(validateMappingReplace({ resource: 'orders', name: 'v2', is_active: false, id: ID, partner: ID }, { resource: 'orders' })).toMatchObject({
      ok: true,
      value: { name: 'v2', isActive: false },
    });
  });

  it('list filters: resource (a choice) and is_active (a boolean); empty means none', () => {
    const errors: FieldErrors = {};
    expect(mappingFilters({ resource: 'orders', is_active: 'false' }, errors)).toEqual({ resource: 'orders', isActive: false });
    expect(mappingFilters({ resource: '', is_active: '' }, errors)).toEqual({});
    expect(errors).toEqual({});
    mappingFilters({ resource: 'customers', is_active: 'yes' }, errors);
    expect(errors).toEqual({ resource: ['"customers" is not a valid choice.'], is_active: ['Must be a valid boolean.'] });
  });

  it('default name: `<partner> – <resource>`, the partner name cut to fit 255 characters', () => {
    expect(defaultMappingName('Acme ERP', 'orders')).toBe('Acme ERP – orders');
    const long = defaultMappingName('é'.repeat(255), 'inventory');
    expect([...long].length).toBe(255);
    expect(long.endsWith(' – inventory')).toBe(true);
  });
});

describe('templates (custom-integrations.md §10)', () => {
  it('lists the seven templates in the §10.1 order, as template objects', () => {
    expect(TEMPLATE_VIEWS.map((t) => [t.slug, t.name, t.resources])).toEqual([
      ['acumatica', 'Acumatica', ['orders', 'inventory', 'products', 'locations']],
      ['sap-business-one', 'SAP Business One', ['orders', 'inventory', 'products']],
      ['netsuite', 'NetSuite', ['orders', 'products']],
      ['shopify', 'Shopify', ['orders', 'products', 'inventory']],
      ['logo-erp', 'Logo ERP', ['orders', 'products']],
      ['mikro-erp', 'Mikro ERP', ['orders', 'products']],
      ['custom', 'Custom', []],
    ]);
    for (const t of TEMPLATE_VIEWS) {
      expect(Object.keys(t)).toEqual(['slug', 'name', 'version', 'resources', 'default_identifier_field', 'mappings']);
      expect(Object.keys(t.mappings).sort()).toEqual([...t.resources].sort());
      for (const rules of Object.values(t.mappings)) expect(Object.keys(rules!)).toEqual(['identifier_field', 'field_map', 'nested_mappings', 'static_values']);
    }
    expect(templateBySlug('netsuite')?.default_identifier_field).toBe('external_order_id');
    expect(templateBySlug('oracle')).toBeUndefined();
  });

  it('a partner from a template gets one active mapping per resource, `<Template name> – <resource>`; custom none', () => {
    expect(partnerTemplateMappings('acumatica').map((m) => [m.name, m.isActive])).toEqual([
      ['Acumatica – orders', true],
      ['Acumatica – inventory', true],
      ['Acumatica – products', true],
      ['Acumatica – locations', true],
    ]);
    expect(partnerTemplateMappings('acumatica')[0]!.rules).toEqual(templateBySlug('acumatica')!.mappings.orders);
    expect(partnerTemplateMappings('custom')).toEqual([]);
    expect(partnerTemplateMappings('nope')).toEqual([]);
  });
});

describe('preview input and run (admin.md §4)', () => {
  const acumaticaOrders = { resource: 'orders', ...templateBySlug('acumatica')!.mappings.orders };

  it('takes an inline mapping or a mapping_id (exactly one), method POST by default, a JSON object payload', () => {
    expect(validatePreview({ mapping: { resource: 'orders' }, payload: {} })).toMatchObject({ ok: true, value: { source: { mapping: { resource: 'orders' } }, method: 'POST', payload: {} } });
    expect(validatePreview({ mapping_id: ID.toUpperCase(), method: 'PUT', payload: { a: 1 } })).toEqual({ ok: true, value: { source: { mappingId: ID }, method: 'PUT', payload: { a: 1 } } });
    expect(validatePreview({ mapping: null, mapping_id: ID, payload: {} })).toMatchObject({ ok: true });
    expect(validatePreview({ payload: {} })).toEqual({ ok: false, errors: { non_field_errors: ['Provide "mapping" (a mapping object) or "mapping_id".'] } });
    expect(validatePreview({ mapping: { resource: 'orders' }, mapping_id: ID, payload: {} })).toEqual({ ok: false, errors: { non_field_errors: ['Provide either "mapping" or "mapping_id", not both.'] } });
    expect(validatePreview({ mapping_id: 'abc', method: 'PATCH', payload: [1] })).toEqual({
      ok: false,
      errors: { mapping_id: ['Must be a valid UUID.'], method: ['"PATCH" is not a valid choice.'], payload: ['Expected a JSON object.'] },
    });
    expect(validatePreview({ mapping_id: ID })).toEqual({ ok: false, errors: { payload: ['This field is required.'] } });
  });

  it('reports an invalid inline mapping under `mapping.` (the whole object at `mapping`)', () => {
    expect(validatePreview({ mapping: { resource: 'orders', field_map: { X: 'sku' } }, payload: {} })).toEqual({ ok: false, errors: { 'mapping.field_map.X': ['"sku" is not a field of orders.'] } });
    expect(validatePreview({ mapping: 'orders', payload: {} })).toEqual({ ok: false, errors: { mapping: ['Expected a JSON object.'] } });
    expect(validatePreview({ mapping: {}, payload: {} })).toEqual({ ok: false, errors: { 'mapping.resource': ['This field is required.'] } });
  });

  it('runs the forward mapping: the internal payload (static values on POST only), or null and the MAPPING_ERROR details', () => {
    const def = mappingDefinition({ ...acumaticaOrders, resource: 'orders' } as Parameters<typeof mappingDefinition>[0]);
    const payload = { OrderNbr: 'SO004512', Details: [{ InventoryID: 'RUG-5X7-BLU', OrderQty: 10 }] };
    expect(runPreview(def, 'POST', payload)).toEqual({
      mapped_payload: { order_number: 'SO004512', items: [{ sku_code: 'RUG-5X7-BLU', quantity: 10 }], metadata: { source: 'acumatica' } },
      errors: {},
    });
    expect(runPreview(def, 'PUT', payload).mapped_payload).not.toHaveProperty('metadata');
    expect(runPreview(def, 'POST', { Details: { InventoryID: 'RUG-5X7-BLU', OrderQty: 10 } })).toEqual({ mapped_payload: null, errors: { Details: ['Expected an array, got object.'] } });
  });
});
