/**
 * JSON Schema (2020-12) definitions of every representation, request body and envelope of the
 * integration API (orders.md, products.md, locations.md, inventory.md, pagination.md, errors.md).
 *
 * Response schemas are strict: exact keys (`additionalProperties: false`), every key required,
 * datetimes in UTC ending in `Z`, lower-case UUIDs, nullable fields as `type: [..., 'null']`.
 * Request schemas document the accepted input; the services do the actual validation (they also
 * accept integers for string fields, datetimes with offsets, etc., as described per field).
 */
import { ERROR_STATUS, INVENTORY_SOURCES, ORDER_STATUSES, type ErrorCode } from '@datamingle/contracts';
import { AUTH_MESSAGES, MAX_BODY_BYTES, REQUEST_ID_PATTERN, type AuthErrorCode } from '@datamingle/gateway-domain';
import type { JsonSchema, JsonSchemaObject } from './types';

/** RFC 3339 UTC datetime as rendered in responses: `2026-04-16T10:00:00Z`, up to 6 fractional digits. */
export const DATETIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z$';
/** Lower-case canonical UUID. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Same rule as the gateway's request-ID check (conventions.md §10). */
export const REQUEST_ID_SCHEMA_PATTERN = REQUEST_ID_PATTERN.source;

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** `{"$ref": "#/components/schemas/<name>"}` */
export function schemaRef(name: SchemaName): JsonSchemaObject {
  return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
}

const MAX_OBJECT_BYTES = 65_536;
const OBJECT_NOTE = `At most ${MAX_OBJECT_BYTES} bytes as compact UTF-8 JSON.`;

// ---------------------------------------------------------------------------------------------
// Field helpers (inline, so nullability can be expressed as a type union)
// ---------------------------------------------------------------------------------------------

function uuid(description: string): JsonSchemaObject {
  return { type: 'string', format: 'uuid', pattern: UUID_PATTERN, description };
}

function datetime(description: string, nullable = false): JsonSchemaObject {
  return {
    type: nullable ? ['string', 'null'] : 'string',
    format: 'date-time',
    pattern: DATETIME_PATTERN,
    description: `${description} RFC 3339, UTC, ending in \`Z\`.`,
  };
}

function str(description: string, options: { min?: number; max?: number; nullable?: boolean } = {}): JsonSchemaObject {
  const schema: JsonSchemaObject = { type: options.nullable ? ['string', 'null'] : 'string', description };
  if (options.min !== undefined) schema.minLength = options.min;
  if (options.max !== undefined) schema.maxLength = options.max;
  return schema;
}

function int(description: string, min?: number, max?: number): JsonSchemaObject {
  const schema: JsonSchemaObject = { type: 'integer', description };
  if (min !== undefined) schema.minimum = min;
  if (max !== undefined) schema.maximum = max;
  return schema;
}

function freeObject(description: string, nullable = false): JsonSchemaObject {
  return { type: nullable ? ['object', 'null'] : 'object', description };
}

/** A closed record: every listed property required, nothing else allowed. */
function record(description: string | null, properties: Record<string, JsonSchema>): JsonSchemaObject {
  const schema: JsonSchemaObject = { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
  return description === null ? schema : { description, ...schema };
}

/** An open request object: unknown fields are ignored by the platform (conventions.md §6.2). */
function requestObject(description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchemaObject {
  const schema: JsonSchemaObject = { type: 'object', description: `${description} Unknown fields are ignored.`, properties };
  if (required.length > 0) schema.required = required;
  return schema;
}

const INPUT_STRING_NOTE = 'A JSON integer is also accepted and converted to its decimal text.';
const INPUT_DATETIME_NOTE =
  'ISO 8601 / RFC 3339: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.ffffff]]` with optional `Z` or `±HH:MM` offset; no offset means UTC.';

function inputIdentifier(description: string): JsonSchemaObject {
  return str(`${description} 1–100 characters after trimming leading/trailing whitespace. ${INPUT_STRING_NOTE}`, { min: 1, max: 100 });
}

function inputOptionalIdentifier(description: string): JsonSchemaObject {
  return str(`${description} At most 100 characters after trimming. ${INPUT_STRING_NOTE}`, { max: 100, nullable: true });
}

function inputString(description: string, max: number): JsonSchemaObject {
  return str(`${description} At most ${max} characters. ${INPUT_STRING_NOTE}`, { max, nullable: true });
}

function inputDatetime(description: string): JsonSchemaObject {
  return { type: ['string', 'null'], description: `${description} ${INPUT_DATETIME_NOTE}` };
}

function inputObject(description: string): JsonSchemaObject {
  return freeObject(`${description} ${OBJECT_NOTE} \`null\` is stored as \`{}\`.`, true);
}

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

const ORDER_LINE: JsonSchemaObject = record('An order line as returned (orders.md §1.2).', {
  id: uuid('Internal ID of the line.'),
  sku: record('The ordered product, always exactly `{"sku": "<product sku>"}`.', {
    sku: str('SKU of the product.', { min: 1, max: 100 }),
  }),
  quantity: int('Ordered quantity.', 1, 1_000_000),
  verified_quantity: int('Quantity verified so far by warehouse staff (0–`quantity`).', 0, 1_000_000),
  verification_status: {
    type: 'string',
    enum: ['pending', 'partial', 'verified'],
    description: '`pending` (nothing verified), `partial`, `verified` (`verified_quantity` = `quantity`).',
  },
  notes: str('Line note.', { max: 5000, nullable: true }),
});

const ORDER: JsonSchemaObject = record('The full order representation (orders.md §1). Every key is always present.', {
  id: uuid('Internal ID (never used in URLs).'),
  order_number: str('Business order number; unique per tenant; immutable.', { min: 1, max: 100 }),
  external_order_id: str('ID in the source system; unique per tenant when set.', { min: 1, max: 100, nullable: true }),
  customer_name: str('Customer name.', { max: 255, nullable: true }),
  customer_info: freeObject(`Free-form customer data (address, phone, …). ${OBJECT_NOTE}`),
  notes: str('Order note.', { max: 5000, nullable: true }),
  order_date: datetime('When the order was placed in the source system.', true),
  due_date: datetime('Requested delivery/shipping date.', true),
  metadata: freeObject(`Arbitrary caller data. ${OBJECT_NOTE}`),
  status: {
    type: 'string',
    enum: [...ORDER_STATUSES],
    description: 'Lifecycle status (orders.md §1.3); read-only through the API. Clients must tolerate new values.',
  },
  cancellation_reason: str('Reason given when cancelled; `null` otherwise.', { max: 500, nullable: true }),
  items: { type: 'array', minItems: 1, maxItems: 1000, items: schemaRef('OrderLine'), description: 'Order lines in submission order.' },
  created_at: datetime('Creation time.'),
  updated_at: datetime('Time of the last stored change.'),
});

const ORDER_LINE_CREATE: JsonSchemaObject = requestObject(
  'An order line on input.',
  {
    sku_code: inputIdentifier('`sku` of an existing, **active** product of the tenant.'),
    quantity: int('Ordered quantity; any integral JSON number (`10`, `10.0`, `1e3`).', 1, 1_000_000),
    notes: inputString('Line note.', 5000),
  },
  ['sku_code', 'quantity'],
);

const ORDER_CREATE: JsonSchemaObject = requestObject(
  'Body of `POST /orders/` (orders.md §2). Read-only fields (`id`, `status`, …) are ignored.',
  {
    order_number: inputIdentifier('Unique per tenant (cancelled and shipped orders included); case-sensitive.'),
    external_order_id: inputOptionalIdentifier('ID in the source system; unique per tenant when set; `""` is stored as `null`.'),
    customer_name: inputString('Customer name.', 255),
    customer_info: inputObject('Free-form customer data.'),
    notes: inputString('Order note.', 5000),
    order_date: inputDatetime('When the order was placed.'),
    due_date: inputDatetime('Requested delivery/shipping date.'),
    metadata: inputObject('Arbitrary caller data.'),
    items: { type: 'array', minItems: 1, maxItems: 1000, items: schemaRef('OrderLineCreate'), description: '1–1,000 order lines.' },
  },
  ['order_number', 'items'],
);

const ORDER_UPDATE: JsonSchemaObject = requestObject(
  'Body of `PUT /orders/{identifier}/` (orders.md §5): a partial update of header fields. Absent fields keep their values; `null` clears optional fields (objects become `{}`).',
  {
    customer_name: inputString('Customer name.', 255),
    customer_info: inputObject('Replaces the whole object.'),
    notes: inputString('Order note.', 5000),
    order_date: inputDatetime('When the order was placed.'),
    due_date: inputDatetime('Requested delivery/shipping date.'),
    metadata: inputObject('Replaces the whole object.'),
    external_order_id: inputOptionalIdentifier('New source-system ID; `""` or `null` clears it; must not equal another order’s.'),
    order_number: str('Accepted only if equal to the current value (after trimming); anything else → `400 VALIDATION_ERROR`.'),
    items: { not: {}, description: 'Must be absent: order lines cannot be changed with `PUT` (any value, even `[]` or `null` → `400`).' },
  },
);

const ORDER_CANCEL: JsonSchemaObject = requestObject('Optional body of `DELETE /orders/{identifier}/` (orders.md §6).', {
  reason: inputString('Stored in `cancellation_reason`; absent/`null` leaves it `null`.', 500),
});

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

const PRODUCT: JsonSchemaObject = record('A product (SKU) as returned (products.md §1). Every key is always present.', {
  id: uuid('Internal ID (never used in URLs).'),
  sku: str('Stock-keeping unit; unique per tenant; case-sensitive; immutable.', { min: 1, max: 100 }),
  name: str('Human-readable name.', { max: 255, nullable: true }),
  quantity: int('Product-level on-hand quantity maintained by the caller (independent of inventory records).', 0, 1_000_000_000),
  is_active: { type: 'boolean', description: 'Inactive products are hidden from the list and cannot be used on new orders.' },
  cost: { type: ['number', 'null'], minimum: 0, description: 'Unit cost as a JSON number (≤ 12 integer and ≤ 4 fractional digits).' },
  custom_fields: freeObject(`Arbitrary attributes, returned exactly as stored. ${OBJECT_NOTE}`),
  created_at: datetime('Creation time.'),
  updated_at: datetime('Time of the last stored change.'),
});

const COST_INPUT: JsonSchemaObject = {
  type: ['number', 'string', 'null'],
  minimum: 0,
  pattern: '^[0-9]{1,12}(\\.[0-9]{1,4})?$',
  description: 'Unit cost ≥ 0 as a JSON number or a plain decimal string (`"12.50"`); at most 12 integer and 4 fractional digits; `null` clears it.',
};

const PRODUCT_FIELDS = {
  name: inputString('Human-readable name.', 255),
  quantity: int('Product-level on-hand quantity.', 0, 1_000_000_000),
  is_active: { type: 'boolean', description: '`true` (default on create) or `false`.' } satisfies JsonSchemaObject,
  cost: COST_INPUT,
  custom_fields: inputObject('Arbitrary attributes; on `PUT` it replaces the whole object (no merge).'),
};

const PRODUCT_CREATE: JsonSchemaObject = requestObject(
  'Body of `POST /products/` (products.md §2). Defaults: `quantity` 0, `is_active` true, `cost` null, `custom_fields` {}.',
  { sku: inputIdentifier('Must not exist in the tenant yet (active or inactive) → else `409 DUPLICATE`.'), ...PRODUCT_FIELDS },
  ['sku'],
);

const PRODUCT_UPDATE: JsonSchemaObject = requestObject('Body of `PUT /products/{identifier}/` (products.md §5): partial update.', {
  sku: str('Accepted only if equal to the current value (after trimming); anything else → `400 VALIDATION_ERROR`.'),
  ...PRODUCT_FIELDS,
});

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

const LOCATION: JsonSchemaObject = record('A warehouse location as returned (locations.md §1). Every key is always present.', {
  id: uuid('Internal ID (never used in URLs).'),
  code: str('Location code; unique per tenant; case-sensitive; immutable; may contain `/` and spaces.', { min: 1, max: 100 }),
  name: str('Human-readable name.', { max: 255, nullable: true }),
  zone: str('Zone label.', { max: 100, nullable: true }),
  aisle: str('Aisle label.', { max: 100, nullable: true }),
  metadata: freeObject(`Arbitrary data. ${OBJECT_NOTE}`),
  is_active: { type: 'boolean', description: 'Inactive locations are hidden from the list and reject inventory rows.' },
  created_at: datetime('Creation time.'),
  updated_at: datetime('Time of the last stored change.'),
});

const LOCATION_FIELDS = {
  name: inputString('Human-readable name.', 255),
  zone: inputString('Zone label.', 100),
  aisle: inputString('Aisle label.', 100),
  metadata: inputObject('Arbitrary data; on `PUT` it replaces the whole object.'),
  is_active: { type: 'boolean', description: '`true` (default on create) or `false`.' } satisfies JsonSchemaObject,
};

const LOCATION_CREATE: JsonSchemaObject = requestObject(
  'Body of `POST /locations/` (locations.md §2).',
  { code: inputIdentifier('Must not exist in the tenant yet (active or inactive) → else `409 DUPLICATE`.'), ...LOCATION_FIELDS },
  ['code'],
);

const LOCATION_UPDATE: JsonSchemaObject = requestObject('Body of `PUT /locations/{identifier}/` (locations.md §5): partial update.', {
  code: str('Accepted only if equal to the current value (after trimming); anything else → `400 VALIDATION_ERROR`.'),
  ...LOCATION_FIELDS,
});

// ---------------------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------------------

const INVENTORY_RECORD: JsonSchemaObject = record('On-hand quantity of one product at one location (inventory.md §1).', {
  location_code: str('`code` of the location.', { min: 1, max: 100 }),
  sku_code: str('`sku` of the product.', { min: 1, max: 100 }),
  quantity: int('On-hand quantity.', 0, 1_000_000_000),
  updated_at: datetime('Last time the quantity changed (creation time if it never changed).'),
});

const INVENTORY_ROW: JsonSchemaObject = requestObject(
  'One row of a bulk inventory request; rows are validated one by one (row problems never fail the request).',
  {
    location_code: inputIdentifier('`code` of an existing, active location.'),
    sku_code: inputIdentifier('`sku` of an existing, active product.'),
    quantity: int('Absolute on-hand quantity (not a delta).', 0, 1_000_000_000),
  },
  ['location_code', 'sku_code', 'quantity'],
);

const INVENTORY_BULK_REQUEST: JsonSchemaObject = requestObject(
  'Body of `POST /inventory/` (inventory.md §2): upserts (location, product) quantities.',
  {
    inventory: { type: 'array', minItems: 1, maxItems: 50_000, items: schemaRef('InventoryRow'), description: '1–50,000 rows.' },
    source: { type: 'string', enum: [...INVENTORY_SOURCES], default: 'bulk_import', description: 'Origin of the change, recorded in the audit trail.' },
    notes: inputString('Note recorded with every adjustment.', 5000),
  },
  ['inventory'],
);

const ROW_ERROR_KEYS = ['location_id', 'product_id', 'quantity', 'non_field_errors'];

const INVENTORY_ROW_ERROR: JsonSchemaObject = record('One rejected row of a bulk request (fixed keys, never renamed).', {
  row: int('Zero-based index of the row in `inventory`.', 0, 49_999),
  location_id: str('The row’s `location_code` as submitted, converted to a string and trimmed; `null` if missing or not convertible.', {
    nullable: true,
  }),
  product_id: str('The row’s `sku_code` as submitted, converted to a string and trimmed; `null` if missing or not convertible.', {
    nullable: true,
  }),
  errors: {
    type: 'object',
    minProperties: 1,
    propertyNames: { enum: ROW_ERROR_KEYS },
    additionalProperties: { type: 'array', minItems: 1, items: { type: 'string' } },
    description: 'Field key (`location_id`, `product_id`, `quantity` or `non_field_errors`) → messages.',
  },
});

const INVENTORY_BULK_SUMMARY: JsonSchemaObject = record('Outcome of a bulk request; `total = created + updated + failed`.', {
  total: int('Number of rows in `inventory`.', 1, 50_000),
  created: int('Rows that created a new record.', 0, 50_000),
  updated: int('Rows that set an existing record (including unchanged values).', 0, 50_000),
  failed: int('Rows rejected.', 0, 50_000),
  errors: { type: 'array', items: schemaRef('InventoryRowError'), description: 'One entry per rejected row, in row order.' },
});

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------

const PAGINATION: JsonSchemaObject = record('Present on every list response, also when `data` is empty (pagination.md §2).', {
  limit: int('Effective page size after clamping.', 1, 200),
  next_cursor: { type: ['string', 'null'], minLength: 1, maxLength: 512, description: 'Opaque token for the next page; `null` when no further record exists.' },
});

/** `{"success": true, "data": <schema>}` */
export function singleEnvelope(description: string, data: JsonSchema): JsonSchemaObject {
  return record(description, { success: { const: true }, data });
}

/** `{"success": true, "data": [<schema>...], "pagination": {...}}` */
export function listEnvelope(description: string, item: JsonSchema): JsonSchemaObject {
  return record(description, { success: { const: true }, data: { type: 'array', items: item }, pagination: schemaRef('Pagination') });
}

// ---------------------------------------------------------------------------------------------
// Record history and the change feed (history-feed-idempotency.md §1–2)
// ---------------------------------------------------------------------------------------------

const HISTORY_ENTRY: JsonSchemaObject = record('One event of a record’s stream, oldest first.', {
  version: int('The event’s aggregate version (1 for the creation), as `aggregate_version` on Kafka.', 1),
  type: str('The event type, e.g. `OrderUpdated`.'),
  occurred_at: datetime('When the change happened.'),
  request_id: str('The `X-Request-ID` of the request that made the change.', { nullable: true }),
  api_key: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['id', 'name'],
    properties: { id: uuid('The API key’s id.'), name: str('The API key’s name when the change was made.') },
    description: 'The API key whose request made the change; `null` for changes the platform made itself.',
  },
  changes: {
    type: 'object',
    description:
      'Each changed field (internal names; for a partner key, the partner’s) mapped to `[before, after]`: dot paths for nested fields, `items[<i>].<field>` for order lines; `null` where a side has no value. `id`, `created_at` and `updated_at` are not listed.',
    additionalProperties: { type: 'array', minItems: 2, maxItems: 2 },
  },
});

const FEED_PAGINATION: JsonSchemaObject = record('The feed’s position.', {
  limit: int('Effective page size (1–1000).', 1, 1000),
  next_cursor: str('Always present: pass it as `after` to get what was stored since (the same cursor when nothing new was).', { min: 1 }),
});

const CHANGE_ENTRY: JsonSchemaObject = record('One change, in the order the store holds the tenant’s events.', {
  cursor: str('The feed’s position right after this change (resume from here).', { min: 1 }),
  resource: { type: 'string', enum: ['order', 'product', 'location', 'inventory'], description: 'The kind of record changed.' },
  id: str('The record’s internal id (for inventory: the location’s id).'),
  identifier: str('The identifier that addresses the record for this key (for inventory: the location code); `null` when the record is gone.', { nullable: true }),
  type: str('The event type, e.g. `OrderUpdated`, `InventoryLevelSet`.'),
  version: int('The event’s aggregate version.', 1),
  occurred_at: datetime('When the change happened.'),
  record: {
    type: ['object', 'null'],
    description: 'The record as its GET answers it **now** (not as of this change); for inventory, the inventory record of the changed (location, SKU) pair. For a partner key, in the partner’s names.',
  },
});

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
export const AUTH_ERROR_CODES = Object.keys(AUTH_MESSAGES) as AuthErrorCode[];

/** The error codes of one HTTP status, in catalogue order. */
export function codesForStatus(status: number): ErrorCode[] {
  return ERROR_CODES.filter((code) => ERROR_STATUS[code] === status);
}

const FIELD_ERRORS: JsonSchemaObject = {
  type: 'object',
  description:
    'Field path (`customer_info.address`, `items[0].quantity`, `non_field_errors`, or a query-parameter name) → non-empty list of messages (errors.md §4.1). With a partner key, paths use the partner’s field names.',
  additionalProperties: { type: 'array', minItems: 1, items: { type: 'string' } },
};

function detailsRule(codes: readonly ErrorCode[], then: JsonSchemaObject): JsonSchemaObject {
  return {
    if: { type: 'object', required: ['code'], properties: { code: codes.length === 1 ? { const: codes[0] } : { enum: [...codes] } } },
    then,
  };
}

function requiredDetails(properties: Record<string, JsonSchema>): JsonSchemaObject {
  return { type: 'object', required: ['details'], properties: { details: record(null, properties) } };
}

const WITH_FIELD_DETAILS: ErrorCode[] = ['VALIDATION_ERROR', 'SERVICE_ERROR', 'DUPLICATE', 'MAPPING_ERROR'];
const WITH_OTHER_DETAILS: ErrorCode[] = [
  'PERMISSION_DENIED',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
];
const WITHOUT_DETAILS = ERROR_CODES.filter((c) => !WITH_FIELD_DETAILS.includes(c) && !WITH_OTHER_DETAILS.includes(c));

const METHOD_NAMES = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

const API_ERROR: JsonSchemaObject = {
  type: 'object',
  description: 'The `error` member of an error body (errors.md §1). The shape of `details` depends on `code` (errors.md §4).',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: {
    code: schemaRef('ErrorCode'),
    message: { type: 'string', minLength: 1, description: 'One-line human-readable summary. Not to be parsed except where errors.md marks it contractual.' },
    details: { type: 'object', description: 'Machine-readable context; shape per code (errors.md §4).' },
  },
  allOf: [
    detailsRule(WITH_FIELD_DETAILS, { type: 'object', properties: { details: schemaRef('FieldErrors') } }),
    detailsRule(['PERMISSION_DENIED'], requiredDetails({ required_scope: { type: 'string', pattern: '^integrations\\.[a-z]+\\.(read|write|delete)$' } })),
    detailsRule(['METHOD_NOT_ALLOWED'], requiredDetails({ allowed_methods: { type: 'array', minItems: 1, items: { enum: METHOD_NAMES } } })),
    detailsRule(['PAYLOAD_TOO_LARGE'], requiredDetails({ max_bytes: { const: MAX_BODY_BYTES } })),
    detailsRule(['UNSUPPORTED_MEDIA_TYPE'], requiredDetails({ content_type: { type: 'string' } })),
    detailsRule(['RATE_LIMITED'], requiredDetails({ limit_per_second: { type: 'integer', minimum: 1 }, retry_after: { type: 'integer', minimum: 1 } })),
    detailsRule(['SERVICE_UNAVAILABLE'], requiredDetails({ retry_after: { type: 'integer', minimum: 1 } })),
    detailsRule(WITHOUT_DETAILS, { type: 'object', properties: { details: false } }),
  ],
};

const REQUEST_ID: JsonSchemaObject = {
  type: 'string',
  pattern: REQUEST_ID_SCHEMA_PATTERN,
  description: 'Same value as the `X-Request-ID` response header.',
};

const ERROR_ENVELOPE: JsonSchemaObject = record('Body of every failed request except authentication-layer failures (errors.md §1).', {
  success: { const: false },
  error: schemaRef('ApiError'),
  request_id: REQUEST_ID,
});

const AUTH_ERROR_ENVELOPE: JsonSchemaObject = {
  ...record(
    'Body of authentication-layer failures (missing/invalid/expired key, integration switched off, missing scope): `detail` plus the error envelope; `detail` and `error.message` hold the same contractual text (errors.md §2).',
    {
      detail: { type: 'string', description: 'Same text as `error.message`.' },
      success: { const: false },
      error: { ...schemaRef('ApiError'), type: 'object', properties: { code: schemaRef('AuthErrorCode') } },
      request_id: REQUEST_ID,
    },
  ),
  allOf: AUTH_ERROR_CODES.map((code) => ({
    if: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code'], properties: { code: { const: code } } } } },
    then: {
      type: 'object',
      properties: {
        detail: { const: AUTH_MESSAGES[code] },
        error: { type: 'object', properties: { message: { const: AUTH_MESSAGES[code] } } },
      },
    },
  })),
};

/** The names of `components.schemas`. */
export type SchemaName =
  | 'Order'
  | 'OrderLine'
  | 'OrderCreate'
  | 'OrderLineCreate'
  | 'OrderUpdate'
  | 'OrderCancel'
  | 'Product'
  | 'ProductCreate'
  | 'ProductUpdate'
  | 'Location'
  | 'LocationCreate'
  | 'LocationUpdate'
  | 'InventoryRecord'
  | 'InventoryRow'
  | 'InventoryBulkRequest'
  | 'InventoryBulkSummary'
  | 'InventoryRowError'
  | 'Pagination'
  | 'SuccessEnvelope'
  | 'ListEnvelope'
  | 'OrderResponse'
  | 'OrderListResponse'
  | 'ProductResponse'
  | 'ProductListResponse'
  | 'LocationResponse'
  | 'LocationListResponse'
  | 'InventoryRecordListResponse'
  | 'InventoryBulkResponse'
  | 'HistoryEntry'
  | 'HistoryResponse'
  | 'ChangeEntry'
  | 'ChangeFeedPagination'
  | 'ChangeFeedResponse'
  | 'ErrorCode'
  | 'AuthErrorCode'
  | 'FieldErrors'
  | 'ApiError'
  | 'ErrorEnvelope'
  | 'AuthErrorEnvelope';

/** Builds a fresh copy of every schema definition (`components.schemas`). */
export function buildSchemas(): Record<SchemaName, JsonSchemaObject> {
  const schemas: Record<SchemaName, JsonSchemaObject> = {
    Order: ORDER,
    OrderLine: ORDER_LINE,
    OrderCreate: ORDER_CREATE,
    OrderLineCreate: ORDER_LINE_CREATE,
    OrderUpdate: ORDER_UPDATE,
    OrderCancel: ORDER_CANCEL,
    Product: PRODUCT,
    ProductCreate: PRODUCT_CREATE,
    ProductUpdate: PRODUCT_UPDATE,
    Location: LOCATION,
    LocationCreate: LOCATION_CREATE,
    LocationUpdate: LOCATION_UPDATE,
    InventoryRecord: INVENTORY_RECORD,
    InventoryRow: INVENTORY_ROW,
    InventoryBulkRequest: INVENTORY_BULK_REQUEST,
    InventoryBulkSummary: INVENTORY_BULK_SUMMARY,
    InventoryRowError: INVENTORY_ROW_ERROR,
    Pagination: PAGINATION,
    SuccessEnvelope: singleEnvelope('Body of every success with a single record or summary (conventions.md §8.1).', {
      description: 'The record or summary.',
    }),
    ListEnvelope: listEnvelope('Body of every list response (conventions.md §8.2, pagination.md).', { description: 'A record.' }),
    OrderResponse: singleEnvelope('One order.', schemaRef('Order')),
    OrderListResponse: listEnvelope('A page of orders, newest first.', schemaRef('Order')),
    ProductResponse: singleEnvelope('One product.', schemaRef('Product')),
    ProductListResponse: listEnvelope('A page of active products, newest first.', schemaRef('Product')),
    LocationResponse: singleEnvelope('One location.', schemaRef('Location')),
    LocationListResponse: listEnvelope('A page of active locations, newest first.', schemaRef('Location')),
    InventoryRecordListResponse: listEnvelope('A page of inventory records, newest first.', schemaRef('InventoryRecord')),
    HistoryEntry: HISTORY_ENTRY,
    HistoryResponse: listEnvelope('A page of a record’s history, oldest first (ascending `version`).', schemaRef('HistoryEntry')),
    ChangeEntry: CHANGE_ENTRY,
    ChangeFeedPagination: FEED_PAGINATION,
    ChangeFeedResponse: record('A page of the tenant’s changes, in storage order.', {
      success: { const: true },
      data: { type: 'array', items: schemaRef('ChangeEntry') },
      pagination: schemaRef('ChangeFeedPagination'),
    }),
    InventoryBulkResponse: singleEnvelope('Summary of a bulk inventory request (also when rows failed).', schemaRef('InventoryBulkSummary')),
    ErrorCode: {
      type: 'string',
      enum: ERROR_CODES,
      description: 'Stable error codes of v1 (errors.md §3). Clients must treat an unknown code by its HTTP status class.',
    },
    AuthErrorCode: { type: 'string', enum: AUTH_ERROR_CODES, description: 'Codes of the authentication and authorization layer.' },
    FieldErrors: FIELD_ERRORS,
    ApiError: API_ERROR,
    ErrorEnvelope: ERROR_ENVELOPE,
    AuthErrorEnvelope: AUTH_ERROR_ENVELOPE,
  };
  return structuredClone(schemas);
}
