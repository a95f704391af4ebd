/**
 * The shipped templates (custom-integrations.md §10.4), transcribed exactly: data, so that new
 * templates and versions are new entries, not code. Each mapping satisfies the save-time rules
 * (checked by templates.unit.spec.ts).
 */
import type { MappingDefinition, MappingResource, MappingRules } from './mapping';

/** A template object (§10.1). */
export interface Template {
  slug: string;
  name: string;
  version: number;
  resources: MappingResource[];
  default_identifier_field: string | null;
  mappings: Partial<Record<MappingResource, MappingRules>>;
}

export const TEMPLATES: readonly Template[] = deepFreeze([
  {
    "slug": "acumatica",
    "name": "Acumatica",
    "version": 1,
    "resources": [
      "orders",
      "inventory",
      "products",
      "locations"
    ],
    "default_identifier_field": null,
    "mappings": {
      "orders": {
        "identifier_field": "order_number",
        "field_map": {
          "OrderNbr": "order_number",
          "ExternalRef": "external_order_id",
          "BillToContact.BusinessName": "customer_name",
          "CustomerID": "customer_info.customer_id",
          "BillToContact.Email": "customer_info.email",
          "BillToContact.Phone1": "customer_info.phone",
          "ShipToAddress": "customer_info.ship_to_address",
          "Description": "notes",
          "Date": "order_date",
          "RequestedOn": "due_date",
          "OrderType": "metadata.order_type",
          "CustomerOrder": "metadata.customer_order"
        },
        "nested_mappings": [
          {
            "source": "Details",
            "target": "items",
            "field_map": {
              "InventoryID": "sku_code",
              "OrderQty": "quantity",
              "LineDescription": "notes"
            }
          }
        ],
        "static_values": {
          "metadata.source": "acumatica"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "InventoryID": "sku",
          "Description": "name",
          "CurrentStdCost": "cost",
          "ItemClass": "custom_fields.item_class",
          "BaseUOM": "custom_fields.base_uom",
          "DefaultPrice": "custom_fields.default_price",
          "ItemStatus": "custom_fields.item_status"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "acumatica"
        }
      },
      "locations": {
        "identifier_field": null,
        "field_map": {
          "LocationID": "code",
          "Description": "name",
          "Active": "is_active",
          "WarehouseID": "metadata.warehouse_id",
          "PickPriority": "metadata.pick_priority"
        },
        "nested_mappings": [],
        "static_values": {
          "metadata.source": "acumatica"
        }
      },
      "inventory": {
        "identifier_field": null,
        "field_map": {},
        "nested_mappings": [
          {
            "source": "Results",
            "target": "inventory",
            "field_map": {
              "LocationID": "location_code",
              "InventoryID": "sku_code",
              "OnHand": "quantity"
            }
          }
        ],
        "static_values": {
          "source": "erp_sync"
        }
      }
    }
  },
  {
    "slug": "sap-business-one",
    "name": "SAP Business One",
    "version": 1,
    "resources": [
      "orders",
      "inventory",
      "products"
    ],
    "default_identifier_field": null,
    "mappings": {
      "orders": {
        "identifier_field": "order_number",
        "field_map": {
          "DocNum": "order_number",
          "NumAtCard": "external_order_id",
          "CardName": "customer_name",
          "CardCode": "customer_info.card_code",
          "Address": "customer_info.bill_to",
          "Address2": "customer_info.ship_to",
          "Comments": "notes",
          "DocDate": "order_date",
          "DocDueDate": "due_date",
          "DocEntry": "metadata.doc_entry"
        },
        "nested_mappings": [
          {
            "source": "DocumentLines",
            "target": "items",
            "field_map": {
              "ItemCode": "sku_code",
              "Quantity": "quantity",
              "FreeText": "notes"
            }
          }
        ],
        "static_values": {
          "metadata.source": "sap-business-one"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "ItemCode": "sku",
          "ItemName": "name",
          "QuantityOnStock": "quantity",
          "AvgStdPrice": "cost",
          "ItemsGroupCode": "custom_fields.items_group_code",
          "BarCode": "custom_fields.barcode",
          "InventoryUOM": "custom_fields.inventory_uom",
          "Valid": "custom_fields.valid",
          "Frozen": "custom_fields.frozen"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "sap-business-one"
        }
      },
      "inventory": {
        "identifier_field": null,
        "field_map": {
          "Remarks": "notes"
        },
        "nested_mappings": [
          {
            "source": "InventoryCountingLines",
            "target": "inventory",
            "field_map": {
              "WarehouseCode": "location_code",
              "ItemCode": "sku_code",
              "CountedQuantity": "quantity"
            }
          }
        ],
        "static_values": {
          "source": "erp_sync"
        }
      }
    }
  },
  {
    "slug": "netsuite",
    "name": "NetSuite",
    "version": 1,
    "resources": [
      "orders",
      "products"
    ],
    "default_identifier_field": "external_order_id",
    "mappings": {
      "orders": {
        "identifier_field": "external_order_id",
        "field_map": {
          "tranId": "order_number",
          "externalId": "external_order_id",
          "entity.refName": "customer_name",
          "entity.id": "customer_info.entity_id",
          "email": "customer_info.email",
          "shipAddress": "customer_info.ship_address",
          "memo": "notes",
          "tranDate": "order_date",
          "shipDate": "due_date",
          "otherRefNum": "metadata.other_ref_num"
        },
        "nested_mappings": [
          {
            "source": "item.items",
            "target": "items",
            "field_map": {
              "item.refName": "sku_code",
              "description": "notes"
            }
          }
        ],
        "static_values": {
          "metadata.source": "netsuite"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "itemId": "sku",
          "displayName": "name",
          "totalQuantityOnHand": "quantity",
          "upcCode": "custom_fields.upc_code",
          "salesDescription": "custom_fields.sales_description",
          "externalId": "custom_fields.external_id",
          "isInactive": "custom_fields.is_inactive"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "netsuite"
        }
      }
    }
  },
  {
    "slug": "shopify",
    "name": "Shopify",
    "version": 1,
    "resources": [
      "orders",
      "products",
      "inventory"
    ],
    "default_identifier_field": null,
    "mappings": {
      "orders": {
        "identifier_field": "order_number",
        "field_map": {
          "admin_graphql_api_id": "external_order_id",
          "name": "metadata.shopify_name",
          "shipping_address.name": "customer_name",
          "shipping_address": "customer_info.shipping_address",
          "email": "customer_info.email",
          "phone": "customer_info.phone",
          "customer": "customer_info.customer",
          "note": "notes",
          "processed_at": "order_date",
          "tags": "metadata.tags",
          "financial_status": "metadata.financial_status",
          "fulfillment_status": "metadata.fulfillment_status"
        },
        "nested_mappings": [
          {
            "source": "line_items",
            "target": "items",
            "field_map": {
              "sku": "sku_code"
            }
          }
        ],
        "static_values": {
          "metadata.source": "shopify"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "title": "name",
          "variants[0].sku": "sku",
          "variants[0].inventory_quantity": "quantity",
          "variants[0].price": "custom_fields.price",
          "variants[0].barcode": "custom_fields.barcode",
          "product_type": "custom_fields.product_type",
          "vendor": "custom_fields.vendor",
          "handle": "custom_fields.handle",
          "tags": "custom_fields.tags",
          "status": "custom_fields.shopify_status"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "shopify"
        }
      },
      "inventory": {
        "identifier_field": null,
        "field_map": {},
        "nested_mappings": [
          {
            "source": "inventory_levels",
            "target": "inventory",
            "field_map": {
              "location_id": "location_code",
              "sku": "sku_code",
              "available": "quantity"
            }
          }
        ],
        "static_values": {}
      }
    }
  },
  {
    "slug": "logo-erp",
    "name": "Logo ERP",
    "version": 1,
    "resources": [
      "orders",
      "products"
    ],
    "default_identifier_field": null,
    "mappings": {
      "orders": {
        "identifier_field": "order_number",
        "field_map": {
          "NUMBER": "order_number",
          "DOC_NUMBER": "external_order_id",
          "ARP_CODE": "customer_info.arp_code",
          "SHIPLOC_CODE": "customer_info.shiploc_code",
          "NOTES1": "notes",
          "DATE": "order_date",
          "TRANSACTIONS.items[0].DUE_DATE": "due_date",
          "SALESMAN_CODE": "metadata.salesman_code",
          "AUXIL_CODE": "metadata.auxil_code"
        },
        "nested_mappings": [
          {
            "source": "TRANSACTIONS.items",
            "target": "items",
            "field_map": {
              "MASTER_CODE": "sku_code",
              "QUANTITY": "quantity",
              "LINE_EXP": "notes"
            }
          }
        ],
        "static_values": {
          "metadata.source": "logo-erp"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "CODE": "sku",
          "NAME": "name",
          "CARD_TYPE": "custom_fields.card_type",
          "UNITSET_CODE": "custom_fields.unitset_code",
          "PRODUCER_CODE": "custom_fields.producer_code",
          "AUXIL_CODE": "custom_fields.auxil_code",
          "VAT": "custom_fields.vat_rate"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "logo-erp"
        }
      }
    }
  },
  {
    "slug": "mikro-erp",
    "name": "Mikro ERP",
    "version": 1,
    "resources": [
      "orders",
      "products"
    ],
    "default_identifier_field": null,
    "mappings": {
      "orders": {
        "identifier_field": "order_number",
        "field_map": {
          "evraklar[0].satirlar[0].sip_belgeno": "order_number",
          "evraklar[0].satirlar[0].sip_evrakno_seri": "metadata.evrakno_seri",
          "evraklar[0].satirlar[0].sip_evrakno_sira": "metadata.evrakno_sira",
          "evraklar[0].satirlar[0].sip_musteri_kod": "customer_info.musteri_kod",
          "evraklar[0].satirlar[0].sip_tarih": "order_date",
          "evraklar[0].satirlar[0].sip_teslim_tarih": "due_date"
        },
        "nested_mappings": [
          {
            "source": "evraklar[0].satirlar",
            "target": "items",
            "field_map": {
              "sip_stok_kod": "sku_code",
              "sip_miktar": "quantity",
              "sip_aciklama": "notes"
            }
          }
        ],
        "static_values": {
          "metadata.source": "mikro-erp"
        }
      },
      "products": {
        "identifier_field": null,
        "field_map": {
          "sto_kod": "sku",
          "sto_isim": "name",
          "sto_kisa_ismi": "custom_fields.kisa_isim",
          "sto_birim1_ad": "custom_fields.birim",
          "sto_anagrup_kod": "custom_fields.anagrup_kod",
          "sto_marka_kodu": "custom_fields.marka_kodu",
          "sto_pasif_fl": "custom_fields.pasif_fl"
        },
        "nested_mappings": [],
        "static_values": {
          "custom_fields.source": "mikro-erp"
        }
      }
    }
  },
  {
    "slug": "custom",
    "name": "Custom",
    "version": 1,
    "resources": [],
    "default_identifier_field": null,
    "mappings": {}
  }
] as unknown as Template[]);

/** The template of `slug`, or `undefined`. */
export function findTemplate(slug: string): Template | undefined {
  return TEMPLATES.find((t) => t.slug === slug);
}

/**
 * The mapping a partner created from a template gets for `resource` (§10.2): named
 * `<template name> – <resource>`, active, a copy of the template's contents; `undefined` when
 * the template does not cover the resource.
 */
export function templateMapping(slug: string, resource: MappingResource): MappingDefinition | undefined {
  const template = findTemplate(slug);
  const rules = template?.mappings[resource];
  if (template === undefined || rules === undefined) return undefined;
  return { resource, name: `${template.name} \u2013 ${resource}`, is_active: true, ...(JSON.parse(JSON.stringify(rules)) as MappingRules) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
