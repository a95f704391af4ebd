/**
 * The field mapping object (custom-integrations.md §2) and the resources' field tables of the
 * save-time rules (§2.4).
 */

/** The resources a mapping may belong to (§2.2). */
export const MAPPING_RESOURCES = ['orders', 'products', 'locations', 'inventory'] as const;
export type MappingResource = (typeof MAPPING_RESOURCES)[number];

/** Source path (partner shape) → target path (internal shape). */
export type FieldMap = Record<string, string>;

/** An array-to-array transform (§2.2, §5 step 2). */
export interface NestedMapping {
  source: string;
  target: 'items' | 'inventory';
  field_map: FieldMap;
}

/** What the engine needs of a mapping: the rules (the other fields of §2.2 belong to the admin surface). */
export interface MappingRules {
  identifier_field: string | null;
  field_map: FieldMap;
  nested_mappings: NestedMapping[];
  /** Target path → constant JSON value, written into `POST` bodies only. */
  static_values: Record<string, unknown>;
}

/** A mapping of one resource, as stored (defaults applied). */
export interface MappingDefinition extends MappingRules {
  resource: MappingResource;
  name?: string;
  is_active?: boolean;
}

/** Top-level fields per resource (§2.4 rule 2). */
export const REQUEST_FIELDS: Readonly<Record<MappingResource, readonly string[]>> = {
  orders: ['order_number', 'external_order_id', 'customer_name', 'customer_info', 'notes', 'order_date', 'due_date', 'metadata', 'items', 'reason'],
  products: ['sku', 'name', 'quantity', 'is_active', 'cost', 'custom_fields'],
  locations: ['code', 'name', 'zone', 'aisle', 'metadata', 'is_active'],
  inventory: ['inventory', 'source', 'notes'],
};

export const RESPONSE_ONLY_FIELDS: Readonly<Record<MappingResource, readonly string[]>> = {
  orders: ['id', 'status', 'cancellation_reason', 'created_at', 'updated_at'],
  products: ['id', 'created_at', 'updated_at'],
  locations: ['id', 'created_at', 'updated_at'],
  inventory: [],
};

/** The nested target each resource may have (§2.4 rule 3); products and locations have none. */
export const NESTED_TARGET: Readonly<Record<MappingResource, 'items' | 'inventory' | null>> = {
  orders: 'items',
  products: null,
  locations: null,
  inventory: 'inventory',
};

/** Element fields of a nested target (§2.4 rule 4). */
export const ELEMENT_REQUEST_FIELDS: Readonly<Record<'items' | 'inventory', readonly string[]>> = {
  items: ['sku_code', 'quantity', 'notes'],
  inventory: ['location_code', 'sku_code', 'quantity'],
};

export const ELEMENT_RESPONSE_ONLY_FIELDS: Readonly<Record<'items' | 'inventory', readonly string[]>> = {
  items: ['id', 'sku', 'verified_quantity', 'verification_status'],
  inventory: ['updated_at'],
};

/** Eligible identifier fields per resource (§2.4 rule 6, identifiers.md §1). */
export const IDENTIFIER_FIELDS: Readonly<Record<MappingResource, readonly string[]>> = {
  orders: ['order_number', 'external_order_id'],
  products: ['sku'],
  locations: ['code'],
  inventory: [],
};

export const MAX_FIELD_MAP_ENTRIES = 500;
export const MAX_STATIC_VALUES = 100;
export const MAX_MAPPING_BYTES = 262_144;
export const MAX_STATIC_VALUE_BYTES = 65_536;
