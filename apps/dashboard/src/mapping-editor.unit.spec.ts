import {
  byResource,
  defaultMappingName,
  editorFromMapping,
  emptyEditor,
  errorLines,
  hasErrors,
  mappingFromEditor,
  newRow,
  NO_IDENTIFIER,
  parsePayload,
  placeErrors,
  type EditorState,
  type Mapping,
} from './mapping-editor';

const ACUMATICA_ORDERS: Mapping = {
  id: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  partner: 'c0ffee00-1234-4abc-8def-0123456789ab',
  resource: 'orders',
  name: 'Acumatica – orders',
  is_active: true,
  identifier_field: 'order_number',
  field_map: { OrderNbr: 'order_number', 'BillToContact.Email': 'customer_info.email' },
  nested_mappings: [{ source: 'Details', target: 'items', field_map: { InventoryID: 'sku_code', OrderQty: 'quantity' } }],
  static_values: { 'metadata.source': 'acumatica', 'metadata.priority': 2 },
  created_at: '2026-04-10T08:00:00Z',
  updated_at: '2026-04-10T08:00:00Z',
};

const rowPairs = (rows: { from: string; to: string }[]) => rows.map((r) => [r.from, r.to]);

describe('the Field mapping editor model', () => {
  it('turns a mapping into rows (static values as JSON text) and back into the same mapping', () => {
    const state = editorFromMapping(ACUMATICA_ORDERS);
    expect(state.name).toBe('Acumatica – orders');
    expect(state.identifierField).toBe('order_number');
    expect(rowPairs(state.fieldMap)).toEqual([
      ['OrderNbr', 'order_number'],
      ['BillToContact.Email', 'customer_info.email'],
    ]);
    expect(state.nested && { source: state.nested.source, target: state.nested.target, rows: rowPairs(state.nested.rows) }).toEqual({
      source: 'Details',
      target: 'items',
      rows: [
        ['InventoryID', 'sku_code'],
        ['OrderQty', 'quantity'],
      ],
    });
    expect(rowPairs(state.staticValues)).toEqual([
      ['metadata.source', '"acumatica"'],
      ['metadata.priority', '2'],
    ]);
    expect(mappingFromEditor(state, 'orders')).toEqual({
      ok: true,
      body: {
        resource: 'orders',
        name: 'Acumatica – orders',
        identifier_field: 'order_number',
        field_map: ACUMATICA_ORDERS.field_map,
        nested_mappings: ACUMATICA_ORDERS.nested_mappings,
        static_values: ACUMATICA_ORDERS.static_values,
      },
    });
  });

  it('gives every row its own key, so rows with the same content stay apart', () => {
    const a = newRow('x', 'y');
    const b = newRow('x', 'y');
    expect(a.key).not.toBe(b.key);
  });

  it('an empty editor is the identity mapping: blank rows are left out, no identifier field', () => {
    const state = emptyEditor('products', 'ERP – products');
    expect(mappingFromEditor(state, 'products')).toEqual({
      ok: true,
      body: { resource: 'products', name: 'ERP – products', identifier_field: null, field_map: {}, nested_mappings: [], static_values: {} },
    });
    expect(emptyEditor('orders').identifierField).toBe(NO_IDENTIFIER);
  });

  it('trims paths and the name', () => {
    const state: EditorState = { ...emptyEditor('orders'), name: '  Web shop ', fieldMap: [newRow(' po_number ', ' order_number ')] };
    const result = mappingFromEditor(state, 'orders');
    expect(result.ok && result.body).toMatchObject({ name: 'Web shop', field_map: { po_number: 'order_number' } });
  });

  it('reports, before sending, a half-filled row, a partner path used twice and a static value that is not JSON — at the row', () => {
    const half = newRow('po_number', '');
    const first = newRow('ref', 'order_number');
    const twice = newRow('ref', 'notes');
    const notJson = newRow('metadata.source', 'acumatica');
    const noTarget = newRow('', '1');
    const state: EditorState = { ...emptyEditor('orders'), fieldMap: [half, first, twice], staticValues: [notJson, noTarget] };
    const result = mappingFromEditor(state, 'orders');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.rows[half.key]).toEqual(['Enter the internal path.']);
    expect(result.errors.rows[first.key]).toBeUndefined();
    expect(result.errors.rows[twice.key]).toEqual(['The partner path "ref" is already mapped in this field map.']);
    expect(result.errors.rows[notJson.key]?.[0]).toMatch(/^The value is not valid JSON: .* Text needs quotes, e\.g\. "acumatica"\.$/);
    expect(result.errors.rows[noTarget.key]).toEqual(['Enter the internal path.']);
    expect(result.errors.general).toEqual([]);
  });

  it('places the API’s save-time errors at their rows and fields; the rest in the general alert', () => {
    const state = editorFromMapping(ACUMATICA_ORDERS);
    const placed = placeErrors(
      {
        name: ['This field may not be blank.'],
        identifier_field: ['"sku" is not a valid choice.'],
        'field_map.BillToContact.Email': ['"custmer_info" is not a field of orders.'],
        'nested_mappings[0].target': ['orders nested mappings must target "items".'],
        'nested_mappings[0].source': ['The source path must not end with an index step.'],
        'nested_mappings[0].field_map.OrderQty': ['"qty" is not a field of an items element.'],
        'static_values.metadata.source': ['"metadata" is not a request field of orders.'],
        'field_map.Gone': ['a row the user removed since'],
        non_field_errors: ['Ensure the mapping is no larger than 262144 bytes when serialized.'],
        resource: ['This field cannot be changed.'],
      },
      state,
    );
    expect(placed.name).toEqual(['This field may not be blank.']);
    expect(placed.identifierField).toEqual(['"sku" is not a valid choice.']);
    expect(placed.nestedTarget).toEqual(['orders nested mappings must target "items".']);
    expect(placed.nestedSource).toEqual(['The source path must not end with an index step.']);
    expect(placed.rows[state.fieldMap[1]!.key]).toEqual(['"custmer_info" is not a field of orders.']);
    expect(placed.rows[state.fieldMap[0]!.key]).toBeUndefined();
    expect(placed.rows[state.nested!.rows[1]!.key]).toEqual(['"qty" is not a field of an items element.']);
    expect(placed.rows[state.staticValues[0]!.key]).toEqual(['"metadata" is not a request field of orders.']);
    expect(placed.general).toEqual([
      'field_map.Gone: a row the user removed since',
      'Ensure the mapping is no larger than 262144 bytes when serialized.',
      'resource: This field cannot be changed.',
    ]);
    expect(hasErrors(placed)).toBe(true);
  });

  it('places the preview’s errors (under mapping.) the same way; whole-section errors at their section', () => {
    const state = editorFromMapping(ACUMATICA_ORDERS);
    const placed = placeErrors(
      { 'mapping.field_map.OrderNbr': ['bad'], 'mapping.field_map': ['Ensure this object has no more than 500 entries.'], 'mapping.static_values': ['x'], mapping: ['Expected a JSON object.'] },
      state,
    );
    expect(placed.rows[state.fieldMap[0]!.key]).toEqual(['bad']);
    expect(placed.fieldMap).toEqual(['Ensure this object has no more than 500 entries.']);
    expect(placed.staticValues).toEqual(['x']);
    expect(placed.general).toEqual(['mapping: Expected a JSON object.']);
  });

  it('nested-mapping errors without a nested mapping in the editor go to the general alert', () => {
    const state = emptyEditor('products');
    const placed = placeErrors({ 'nested_mappings[0].target': ['x'], nested_mappings: ['products mappings have no nested mappings.'] }, state);
    expect(placed.general).toEqual(['nested_mappings[0].target: x']);
    expect(placed.nested).toEqual(['products mappings have no nested mappings.']);
    expect(hasErrors(placeErrors({}, state))).toBe(false);
  });

  it('the Preview payload: a JSON object, else a message and nothing to send', () => {
    expect(parsePayload('{"OrderNbr": "SO004512"}')).toEqual({ ok: true, value: { OrderNbr: 'SO004512' } });
    expect(parsePayload('   ')).toEqual({ ok: false, message: 'Paste a payload in the partner’s field names (a JSON object).' });
    const broken = parsePayload('{"OrderNbr": ');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/^The payload is not valid JSON: .+\.$/);
    expect(parsePayload('[1]')).toEqual({ ok: false, message: 'The payload must be a JSON object ({…}).' });
    expect(parsePayload('"x"')).toEqual({ ok: false, message: 'The payload must be a JSON object ({…}).' });
  });

  it('the preview’s mapping errors as lines', () => {
    expect(errorLines({ Details: ['Expected an array, got object.'], metadata: ['a', 'b'] })).toEqual(['Details: Expected an array, got object.', 'metadata: a', 'metadata: b']);
    expect(errorLines({})).toEqual([]);
    expect(errorLines(undefined)).toEqual([]);
  });

  it('groups mappings by resource: the active one, then the others in the API’s order', () => {
    const m = (id: string, resource: Mapping['resource'], is_active: boolean): Mapping => ({ ...ACUMATICA_ORDERS, id, resource, is_active });
    const groups = byResource([m('a', 'orders', false), m('b', 'orders', true), m('c', 'inventory', true), m('d', 'orders', false)]);
    expect(groups.orders.active?.id).toBe('b');
    expect(groups.orders.others.map((x) => x.id)).toEqual(['a', 'd']);
    expect(groups.inventory.active?.id).toBe('c');
    expect(groups.products).toEqual({ active: null, others: [] });
  });

  it('names a new mapping as templates do', () => {
    expect(defaultMappingName('Web shop', 'orders')).toBe('Web shop – orders');
  });
});
