/**
 * The seven templates of custom-integrations.md §10.4 as golden tests: every rule of every
 * template mapping is exercised by a partner payload whose internal body is written out here by
 * hand from the spec's tables (never computed by the engine).
 */
import { unwrap } from '@datamingle/kernel';
import { compileMapping, findTemplate, TEMPLATES, templateMapping, validateMapping, type MappingResource } from './index';

const forward = (slug: string, resource: MappingResource, body: Record<string, unknown>, method: 'POST' | 'PUT' = 'POST') => {
  const mapping = templateMapping(slug, resource);
  if (!mapping) throw new Error(`${slug} has no ${resource} mapping`);
  return unwrap(compileMapping(mapping).forward(body, method));
};

describe('the template objects (§10.1)', () => {
  it('lists the seven slugs, names, resources and default identifier fields of the spec', () => {
    expect(TEMPLATES.map((t) => [t.slug, t.name, t.version, t.resources, t.default_identifier_field])).toEqual([
      ['acumatica', 'Acumatica', 1, ['orders', 'inventory', 'products', 'locations'], null],
      ['sap-business-one', 'SAP Business One', 1, ['orders', 'inventory', 'products'], null],
      ['netsuite', 'NetSuite', 1, ['orders', 'products'], 'external_order_id'],
      ['shopify', 'Shopify', 1, ['orders', 'products', 'inventory'], null],
      ['logo-erp', 'Logo ERP', 1, ['orders', 'products'], null],
      ['mikro-erp', 'Mikro ERP', 1, ['orders', 'products'], null],
      ['custom', 'Custom', 1, [], null],
    ]);
    for (const t of TEMPLATES) expect(Object.keys(t.mappings).sort()).toEqual([...t.resources].sort());
    expect(findTemplate('custom')?.mappings).toEqual({});
  });

  it('satisfies the save-time rules with every mapping (§10.1), and is read-only data', () => {
    for (const t of TEMPLATES) {
      for (const resource of t.resources) {
        const result = validateMapping({ resource, ...t.mappings[resource] });
        expect([t.slug, resource, result.ok ? 'ok' : result.error]).toEqual([t.slug, resource, 'ok']);
      }
    }
    expect(Object.isFrozen(TEMPLATES[0].mappings.orders?.field_map)).toBe(true);
  });

  it('names a partner mapping "<template name> – <resource>", active, with a copy of the contents (§10.2)', () => {
    const m = templateMapping('sap-business-one', 'inventory');
    expect(m).toEqual({
      resource: 'inventory',
      name: 'SAP Business One – inventory',
      is_active: true,
      identifier_field: null,
      field_map: { Remarks: 'notes' },
      nested_mappings: [{ source: 'InventoryCountingLines', target: 'inventory', field_map: { WarehouseCode: 'location_code', ItemCode: 'sku_code', CountedQuantity: 'quantity' } }],
      static_values: { source: 'erp_sync' },
    });
    m!.field_map.Remarks = 'changed';
    expect(findTemplate('sap-business-one')?.mappings.inventory?.field_map.Remarks).toBe('notes');
    expect(templateMapping('netsuite', 'inventory')).toBeUndefined();
    expect(templateMapping('custom', 'orders')).toBeUndefined();
  });

  it('gives each mapping its identifier field', () => {
    expect(compileMapping(templateMapping('netsuite', 'orders')).identifierField).toBe('external_order_id');
    expect(compileMapping(templateMapping('shopify', 'orders')).identifierField).toBe('order_number');
    expect(compileMapping(templateMapping('shopify', 'products')).identifierField).toBeNull();
  });
});

describe('acumatica', () => {
  it('products', () => {
    expect(
      forward('acumatica', 'products', {
        InventoryID: 'RUG-5X7-BLU',
        Description: 'Wool rug',
        CurrentStdCost: '42.50',
        ItemClass: 'RUGS',
        BaseUOM: 'EA',
        DefaultPrice: 99.5,
        ItemStatus: 'Active',
        quantity: 3,
      }),
    ).toEqual({
      sku: 'RUG-5X7-BLU',
      name: 'Wool rug',
      cost: '42.50',
      quantity: 3,
      custom_fields: { item_class: 'RUGS', base_uom: 'EA', default_price: 99.5, item_status: 'Active', source: 'acumatica' },
    });
  });

  it('locations', () => {
    expect(forward('acumatica', 'locations', { LocationID: 'A-101', Description: 'Aisle A', Active: true, WarehouseID: 'WH1', PickPriority: 2, zone: 'Z' })).toEqual({
      code: 'A-101',
      name: 'Aisle A',
      is_active: true,
      zone: 'Z',
      metadata: { warehouse_id: 'WH1', pick_priority: 2, source: 'acumatica' },
    });
  });

  it('inventory', () => {
    expect(forward('acumatica', 'inventory', { Results: [{ LocationID: 'A-101', InventoryID: 'RUG-5X7-BLU', OnHand: 150 }], notes: 'nightly' })).toEqual({
      inventory: [{ location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 }],
      notes: 'nightly',
      source: 'erp_sync',
    });
  });

  it('orders on PUT: no static values', () => {
    expect(forward('acumatica', 'orders', { Description: 'Priority', OrderType: 'SO' }, 'PUT')).toEqual({ notes: 'Priority', metadata: { order_type: 'SO' } });
  });
});

describe('sap-business-one', () => {
  it('orders', () => {
    expect(
      forward('sap-business-one', 'orders', {
        DocNum: 4512,
        NumAtCard: 'PO-1',
        CardName: 'Acme',
        CardCode: 'C1',
        Address: 'Bill street',
        Address2: 'Ship street',
        Comments: 'note',
        DocDate: '2026-04-16',
        DocDueDate: '2026-05-01',
        DocEntry: 77,
        DocumentLines: [{ ItemCode: 'RUG-1', Quantity: 2, FreeText: 'x', LineNum: 0 }],
      }),
    ).toEqual({
      order_number: 4512,
      external_order_id: 'PO-1',
      customer_name: 'Acme',
      customer_info: { card_code: 'C1', bill_to: 'Bill street', ship_to: 'Ship street' },
      notes: 'note',
      order_date: '2026-04-16',
      due_date: '2026-05-01',
      metadata: { doc_entry: 77, source: 'sap-business-one' },
      items: [{ LineNum: 0, sku_code: 'RUG-1', quantity: 2, notes: 'x' }],
    });
  });

  it('products', () => {
    expect(
      forward('sap-business-one', 'products', {
        ItemCode: 'RUG-1',
        ItemName: 'Rug',
        QuantityOnStock: 5,
        AvgStdPrice: 12.5,
        ItemsGroupCode: 100,
        BarCode: '0123',
        InventoryUOM: 'EA',
        Valid: 'tYES',
        Frozen: 'tNO',
      }),
    ).toEqual({
      sku: 'RUG-1',
      name: 'Rug',
      quantity: 5,
      cost: 12.5,
      custom_fields: { items_group_code: 100, barcode: '0123', inventory_uom: 'EA', valid: 'tYES', frozen: 'tNO', source: 'sap-business-one' },
    });
  });

  it('inventory', () => {
    expect(
      forward('sap-business-one', 'inventory', { Remarks: 'count', InventoryCountingLines: [{ WarehouseCode: '01', ItemCode: 'RUG-1', CountedQuantity: 7 }] }),
    ).toEqual({ notes: 'count', inventory: [{ location_code: '01', sku_code: 'RUG-1', quantity: 7 }], source: 'erp_sync' });
  });
});

describe('netsuite', () => {
  it('orders', () => {
    expect(
      forward('netsuite', 'orders', {
        tranId: 'SO-1',
        externalId: 'EXT-1',
        entity: { refName: 'Acme', id: '42' },
        email: 'a@acme.example',
        shipAddress: '1 Main St',
        memo: 'm',
        tranDate: '2026-04-16',
        shipDate: '2026-05-01',
        otherRefNum: 'PO-9',
        item: { items: [{ item: { refName: 'RUG-1' }, description: 'd', quantity: 4 }] },
      }),
    ).toEqual({
      order_number: 'SO-1',
      external_order_id: 'EXT-1',
      customer_name: 'Acme',
      customer_info: { entity_id: '42', email: 'a@acme.example', ship_address: '1 Main St' },
      notes: 'm',
      order_date: '2026-04-16',
      due_date: '2026-05-01',
      metadata: { other_ref_num: 'PO-9', source: 'netsuite' },
      items: [{ quantity: 4, sku_code: 'RUG-1', notes: 'd' }],
    });
  });

  it('products', () => {
    expect(
      forward('netsuite', 'products', {
        itemId: 'RUG-1',
        displayName: 'Rug',
        totalQuantityOnHand: 8,
        upcCode: '0123',
        salesDescription: 'nice',
        externalId: 'E1',
        isInactive: false,
        cost: '1.00',
      }),
    ).toEqual({
      sku: 'RUG-1',
      name: 'Rug',
      quantity: 8,
      cost: '1.00',
      custom_fields: { upc_code: '0123', sales_description: 'nice', external_id: 'E1', is_inactive: false, source: 'netsuite' },
    });
  });
});

describe('shopify', () => {
  it('orders', () => {
    expect(
      forward('shopify', 'orders', {
        order_number: 1001,
        admin_graphql_api_id: 'gid://shopify/Order/1',
        name: '#1001',
        shipping_address: { name: 'Jane Doe', city: 'Ottawa' },
        email: 'j@example.com',
        phone: '+1',
        customer: { id: 9 },
        note: 'gift',
        processed_at: '2026-04-16T10:00:00Z',
        tags: 'vip',
        financial_status: 'paid',
        fulfillment_status: null,
        line_items: [{ sku: 'RUG-1', quantity: 1, title: 'Rug' }],
      }),
    ).toEqual({
      order_number: 1001,
      external_order_id: 'gid://shopify/Order/1',
      customer_name: 'Jane Doe',
      customer_info: { shipping_address: { name: 'Jane Doe', city: 'Ottawa' }, email: 'j@example.com', phone: '+1', customer: { id: 9 } },
      notes: 'gift',
      order_date: '2026-04-16T10:00:00Z',
      metadata: { shopify_name: '#1001', tags: 'vip', financial_status: 'paid', fulfillment_status: null, source: 'shopify' },
      items: [{ quantity: 1, title: 'Rug', sku_code: 'RUG-1' }],
    });
  });

  it('products (first variant)', () => {
    expect(
      forward('shopify', 'products', {
        title: 'Rug',
        variants: [
          { sku: 'RUG-1', inventory_quantity: 3, price: '10.00', barcode: 'B1', id: 1 },
          { sku: 'RUG-2', inventory_quantity: 4 },
        ],
        product_type: 'Home',
        vendor: 'Acme',
        handle: 'rug',
        tags: 'a,b',
        status: 'active',
      }),
    ).toEqual({
      // variants[0] keeps its unmapped `id`; the second variant passes through
      variants: [{ id: 1 }, { sku: 'RUG-2', inventory_quantity: 4 }],
      name: 'Rug',
      sku: 'RUG-1',
      quantity: 3,
      custom_fields: { price: '10.00', barcode: 'B1', product_type: 'Home', vendor: 'Acme', handle: 'rug', tags: 'a,b', shopify_status: 'active', source: 'shopify' },
    });
  });

  it('inventory (no static values)', () => {
    expect(forward('shopify', 'inventory', { inventory_levels: [{ location_id: 655441491, sku: 'RUG-1', available: 12, inventory_item_id: 5 }] })).toEqual({
      inventory: [{ inventory_item_id: 5, location_code: 655441491, sku_code: 'RUG-1', quantity: 12 }],
    });
  });
});

describe('logo-erp', () => {
  it('orders (due date from the first line)', () => {
    expect(
      forward('logo-erp', 'orders', {
        NUMBER: 'SIP-1',
        DOC_NUMBER: 'D-1',
        ARP_CODE: '120.01',
        SHIPLOC_CODE: 'S1',
        NOTES1: 'n',
        DATE: '2026-04-16',
        SALESMAN_CODE: 'SM',
        AUXIL_CODE: 'AX',
        TRANSACTIONS: {
          items: [
            { MASTER_CODE: 'RUG-1', QUANTITY: 2, LINE_EXP: 'l1', DUE_DATE: '2026-05-01' },
            { MASTER_CODE: 'RUG-2', QUANTITY: 1, DUE_DATE: '2026-05-02' },
          ],
        },
      }),
    ).toEqual({
      order_number: 'SIP-1',
      external_order_id: 'D-1',
      customer_info: { arp_code: '120.01', shiploc_code: 'S1' },
      notes: 'n',
      order_date: '2026-04-16',
      due_date: '2026-05-01',
      metadata: { salesman_code: 'SM', auxil_code: 'AX', source: 'logo-erp' },
      items: [
        { DUE_DATE: '2026-05-01', sku_code: 'RUG-1', quantity: 2, notes: 'l1' },
        { DUE_DATE: '2026-05-02', sku_code: 'RUG-2', quantity: 1 },
      ],
    });
  });

  it('products', () => {
    expect(
      forward('logo-erp', 'products', { CODE: 'RUG-1', NAME: 'Rug', CARD_TYPE: 1, UNITSET_CODE: 'ADET', PRODUCER_CODE: 'P', AUXIL_CODE: 'A', VAT: 20 }),
    ).toEqual({
      sku: 'RUG-1',
      name: 'Rug',
      custom_fields: { card_type: 1, unitset_code: 'ADET', producer_code: 'P', auxil_code: 'A', vat_rate: 20, source: 'logo-erp' },
    });
  });
});

describe('mikro-erp', () => {
  it('orders (header from the first line)', () => {
    const line = (stok: string, miktar: number) => ({
      sip_belgeno: 'B-1',
      sip_evrakno_seri: 'A',
      sip_evrakno_sira: 7,
      sip_musteri_kod: 'M1',
      sip_tarih: '2026-04-16',
      sip_teslim_tarih: '2026-05-01',
      sip_stok_kod: stok,
      sip_miktar: miktar,
      sip_aciklama: 'a',
    });
    const header = { sip_belgeno: 'B-1', sip_evrakno_seri: 'A', sip_evrakno_sira: 7, sip_musteri_kod: 'M1', sip_tarih: '2026-04-16', sip_teslim_tarih: '2026-05-01' };
    expect(forward('mikro-erp', 'orders', { evraklar: [{ satirlar: [line('RUG-1', 2), line('RUG-2', 3)] }] })).toEqual({
      // the nested source evraklar[0].satirlar is removed; the emptied evraklar[0] stays in its array
      evraklar: [{}],
      order_number: 'B-1',
      customer_info: { musteri_kod: 'M1' },
      order_date: '2026-04-16',
      due_date: '2026-05-01',
      metadata: { evrakno_seri: 'A', evrakno_sira: 7, source: 'mikro-erp' },
      items: [
        { ...header, sku_code: 'RUG-1', quantity: 2, notes: 'a' },
        { ...header, sku_code: 'RUG-2', quantity: 3, notes: 'a' },
      ],
    });
  });

  it('products', () => {
    expect(
      forward('mikro-erp', 'products', {
        sto_kod: 'RUG-1',
        sto_isim: 'Halı',
        sto_kisa_ismi: 'H',
        sto_birim1_ad: 'ADET',
        sto_anagrup_kod: 'AG',
        sto_marka_kodu: 'MK',
        sto_pasif_fl: false,
      }),
    ).toEqual({
      sku: 'RUG-1',
      name: 'Halı',
      custom_fields: { kisa_isim: 'H', birim: 'ADET', anagrup_kod: 'AG', marka_kodu: 'MK', pasif_fl: false, source: 'mikro-erp' },
    });
  });
});
