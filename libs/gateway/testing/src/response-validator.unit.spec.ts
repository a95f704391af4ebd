import { buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { createResponseValidator, type ResponseToValidate, type ResponseValidationResult } from './response-validator';

const BASE = '/api/integrations/v1/';
const validator = createResponseValidator(buildOpenApiDocument());

function check(method: string, path: string, status: number, body: unknown, headers?: ResponseToValidate['headers']): ResponseValidationResult {
  return validator.validate({ method, path: path.startsWith('/') ? path : BASE + path, status, body, ...(headers ? { headers } : {}) });
}

function expectValid(result: ResponseValidationResult): void {
  expect(result).toEqual({ ok: true });
}

function expectInvalid(result: ResponseValidationResult, pattern?: RegExp): void {
  expect(result.ok).toBe(false);
  if (!result.ok && pattern) expect(result.errors.join('\n')).toMatch(pattern);
}

// ---------------------------------------------------------------------------------------------
// Example bodies copied verbatim from the specification (errors.md and the resource documents)
// ---------------------------------------------------------------------------------------------

/** orders.md §2, `201 Created`. */
const ORDER_CREATED = `{
  "success": true,
  "data": {
    "id": "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    "order_number": "ORD-2026-001",
    "external_order_id": "ERP-5001",
    "customer_name": "Acme Corporation",
    "customer_info": {"address": "123 Main St, Springfield", "phone": "+1-555-0100"},
    "notes": "Deliver to loading dock B",
    "order_date": "2026-04-16T09:30:00Z",
    "due_date": "2026-05-01T00:00:00Z",
    "metadata": {"channel": "b2b"},
    "status": "pending",
    "cancellation_reason": null,
    "items": [
      {
        "id": "0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e",
        "sku": {"sku": "RUG-5X7-BLU"},
        "quantity": 10,
        "verified_quantity": 0,
        "verification_status": "pending",
        "notes": null
      },
      {
        "id": "1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f",
        "sku": {"sku": "RUG-8X10-RED"},
        "quantity": 5,
        "verified_quantity": 0,
        "verification_status": "pending",
        "notes": "Fragile"
      }
    ],
    "created_at": "2026-04-16T10:00:00Z",
    "updated_at": "2026-04-16T10:00:00Z"
  }
}`;

/** orders.md §3, `200 OK`. */
const ORDER_LIST = `{
  "success": true,
  "data": [
    {
      "id": "8e9fa0b1-c2d3-4e4f-9a5b-6c7d8e9fa0b1",
      "order_number": "ORD-2026-002",
      "external_order_id": null,
      "customer_name": "Globex Ltd",
      "customer_info": {},
      "notes": null,
      "order_date": null,
      "due_date": null,
      "metadata": {},
      "status": "in_progress",
      "cancellation_reason": null,
      "items": [
        {
          "id": "9fa0b1c2-d3e4-4f5a-8b6c-7d8e9fa0b1c2",
          "sku": {"sku": "RUG-5X7-BLU"},
          "quantity": 4,
          "verified_quantity": 2,
          "verification_status": "partial",
          "notes": null
        }
      ],
      "created_at": "2026-04-16T11:20:00Z",
      "updated_at": "2026-04-16T12:02:31Z"
    },
    {
      "id": "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
      "order_number": "ORD-2026-001",
      "external_order_id": "ERP-5001",
      "customer_name": "Acme Corporation",
      "customer_info": {"address": "123 Main St, Springfield", "phone": "+1-555-0100"},
      "notes": "Deliver to loading dock B",
      "order_date": "2026-04-16T09:30:00Z",
      "due_date": "2026-05-01T00:00:00Z",
      "metadata": {"channel": "b2b"},
      "status": "pending",
      "cancellation_reason": null,
      "items": [
        {
          "id": "0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e",
          "sku": {"sku": "RUG-5X7-BLU"},
          "quantity": 10,
          "verified_quantity": 0,
          "verification_status": "pending",
          "notes": null
        },
        {
          "id": "1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f",
          "sku": {"sku": "RUG-8X10-RED"},
          "quantity": 5,
          "verified_quantity": 0,
          "verification_status": "pending",
          "notes": "Fragile"
        }
      ],
      "created_at": "2026-04-16T10:00:00Z",
      "updated_at": "2026-04-16T10:00:00Z"
    }
  ],
  "pagination": {
    "limit": 2,
    "next_cursor": "eyJjIjoiMjAyNi0wNC0xNlQxMDowMDowMC4wMDAwMDBaIiwiaSI6IjZmMWMyZDNlLTRhNWItNGM2ZC04ZTdmLTBhMWIyYzNkNGU1ZiJ9"
  }
}`;

/** orders.md §6, `200 OK` (cancelled). */
const ORDER_CANCELLED = `{
  "success": true,
  "data": {
    "id": "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    "order_number": "ORD-2026-001",
    "external_order_id": "ERP-5001",
    "customer_name": "Acme Corporation",
    "customer_info": {"address": "123 Main St, Springfield", "phone": "+1-555-0100"},
    "notes": "Priority shipping",
    "order_date": "2026-04-16T09:30:00Z",
    "due_date": "2026-04-28T00:00:00Z",
    "metadata": {"channel": "b2b"},
    "status": "cancelled",
    "cancellation_reason": "Customer cancelled",
    "items": [
      {
        "id": "0b7e9c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e",
        "sku": {"sku": "RUG-5X7-BLU"},
        "quantity": 10,
        "verified_quantity": 0,
        "verification_status": "pending",
        "notes": null
      },
      {
        "id": "1c8f0d2e-3a4b-4c5d-ae6f-8a9b0c1d2e3f",
        "sku": {"sku": "RUG-8X10-RED"},
        "quantity": 5,
        "verified_quantity": 0,
        "verification_status": "pending",
        "notes": "Fragile"
      }
    ],
    "created_at": "2026-04-16T10:00:00Z",
    "updated_at": "2026-04-16T10:31:07Z"
  }
}`;

/** products.md §3, `200 OK`. */
const PRODUCT_LIST = `{
  "success": true,
  "data": [
    {
      "id": "4d5e6f70-8192-4a3b-9c4d-5e6f70819a2b",
      "sku": "RUG-8X10-RED",
      "name": "Wool rug 8x10, red",
      "quantity": 75,
      "is_active": true,
      "cost": null,
      "custom_fields": {"color": "red", "size": "8x10"},
      "created_at": "2026-04-16T09:05:00Z",
      "updated_at": "2026-04-16T09:05:00Z"
    },
    {
      "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      "sku": "RUG-5X7-BLU",
      "name": "Wool rug 5x7, blue",
      "quantity": 100,
      "is_active": true,
      "cost": 42.5,
      "custom_fields": {"color": "blue", "size": "5x7", "collection": "2026 Spring"},
      "created_at": "2026-04-16T09:00:00Z",
      "updated_at": "2026-04-16T09:00:00Z"
    }
  ],
  "pagination": {
    "limit": 2,
    "next_cursor": null
  }
}`;

/** products.md §2, `201 Created`. */
const PRODUCT_CREATED = `{
  "success": true,
  "data": {
    "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "sku": "RUG-5X7-BLU",
    "name": "Wool rug 5x7, blue",
    "quantity": 100,
    "is_active": true,
    "cost": 42.5,
    "custom_fields": {"color": "blue", "size": "5x7", "collection": "2026 Spring"},
    "created_at": "2026-04-16T09:00:00Z",
    "updated_at": "2026-04-16T09:00:00Z"
  }
}`;

/** products.md §6, `200 OK` (deactivated). */
const PRODUCT_DEACTIVATED = `{
  "success": true,
  "data": {
    "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "sku": "RUG-5X7-BLU",
    "name": "Wool rug 5x7, blue",
    "quantity": 120,
    "is_active": false,
    "cost": 42.5,
    "custom_fields": {"color": "navy", "size": "5x7"},
    "created_at": "2026-04-16T09:00:00Z",
    "updated_at": "2026-04-17T09:40:18Z"
  }
}`;

/** conventions.md §8.1. */
const LOCATION_SINGLE = `{
  "success": true,
  "data": {
    "id": "2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c",
    "code": "A-101",
    "name": "Aisle A, Shelf 101",
    "zone": "A",
    "aisle": "1",
    "metadata": {},
    "is_active": true,
    "created_at": "2026-04-16T10:00:00Z",
    "updated_at": "2026-04-16T10:00:00Z"
  }
}`;

/** locations.md §3, `200 OK`. */
const LOCATION_LIST = `{
  "success": true,
  "data": [
    {
      "id": "3e5f7091-2b4d-4f60-8c8e-1d3f5a7b9c1d",
      "code": "A-103",
      "name": "Aisle A, Shelf 103",
      "zone": "A",
      "aisle": "1",
      "metadata": {},
      "is_active": true,
      "created_at": "2026-04-16T08:30:00Z",
      "updated_at": "2026-04-16T08:30:00Z"
    },
    {
      "id": "2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c",
      "code": "A-101",
      "name": "Aisle A, Shelf 101",
      "zone": "A",
      "aisle": "1",
      "metadata": {"temperature": "ambient"},
      "is_active": true,
      "created_at": "2026-04-16T08:00:00Z",
      "updated_at": "2026-04-16T08:00:00Z"
    }
  ],
  "pagination": {
    "limit": 100,
    "next_cursor": null
  }
}`;

/** inventory.md §2, `200 OK` with rejected rows. */
const INVENTORY_BULK_WITH_ERRORS = `{
  "success": true,
  "data": {
    "total": 4,
    "created": 2,
    "updated": 0,
    "failed": 2,
    "errors": [
      {
        "row": 2,
        "location_id": "INVALID-LOC",
        "product_id": "RUG-5X7-BLU",
        "errors": {"location_id": ["Location not found"]}
      },
      {
        "row": 3,
        "location_id": "A-103",
        "product_id": "RUG-0000",
        "errors": {
          "location_id": ["Location is inactive"],
          "product_id": ["Product not found"],
          "quantity": ["Ensure this value is greater than or equal to 0."]
        }
      }
    ]
  }
}`;

/** inventory.md §2, `200 OK` (all rows applied). */
const INVENTORY_BULK_OK = `{
  "success": true,
  "data": {
    "total": 3,
    "created": 2,
    "updated": 1,
    "failed": 0,
    "errors": []
  }
}`;

/** inventory.md §3, `200 OK`. */
const INVENTORY_LIST = `{
  "success": true,
  "data": [
    {"location_code": "B-201", "sku_code": "RUG-5X7-BLU", "quantity": 200, "updated_at": "2026-04-16T12:00:00Z"},
    {"location_code": "A-101", "sku_code": "RUG-8X10-RED", "quantity": 75, "updated_at": "2026-04-16T12:00:00Z"},
    {"location_code": "A-101", "sku_code": "RUG-5X7-BLU", "quantity": 150, "updated_at": "2026-04-16T12:00:00Z"}
  ],
  "pagination": {
    "limit": 3,
    "next_cursor": "eyJjIjoiMjAyNi0wNC0xNVQxNjozMDowMC4wMDAwMDBaIiwiaSI6IjVmNmE3YjhjLTlkMGUtNGYxYS04YjJjLTNkNGU1ZjZhN2I4YyJ9"
  }
}`;

/** inventory.md §4, `200 OK` (by SKU). */
const INVENTORY_BY_SKU = `{
  "success": true,
  "data": [
    {"location_code": "B-201", "sku_code": "RUG-5X7-BLU", "quantity": 200, "updated_at": "2026-04-16T12:00:00Z"},
    {"location_code": "A-101", "sku_code": "RUG-5X7-BLU", "quantity": 150, "updated_at": "2026-04-16T12:00:00Z"}
  ],
  "pagination": {"limit": 50, "next_cursor": null}
}`;

/** pagination.md §2 / conventions.md §8.2 (empty first page). */
const EMPTY_PAGE = `{"success": true, "data": [], "pagination": {"limit": 50, "next_cursor": null}}`;

/** errors.md §6.1. */
const VALIDATION_ERROR = `{
  "success": false,
  "error": {
    "code": "VALIDATION_ERROR",
    "message": "order_number: This field is required. (and 2 more)",
    "details": {
      "order_number": ["This field is required."],
      "items[0].quantity": ["Ensure this value is greater than or equal to 1."],
      "items[1].sku_code": ["This field is required."]
    }
  },
  "request_id": "3c2d1e0f-9a8b-4c7d-8e6f-5a4b3c2d1e0f"
}`;

/** pagination.md §6 / errors.md §6.1. */
const INVALID_CURSOR = `{
  "success": false,
  "error": {
    "code": "VALIDATION_ERROR",
    "message": "Invalid cursor: 'not-a-cursor'",
    "details": {"cursor": ["Invalid cursor."]}
  },
  "request_id": "e7f8a9b0-c1d2-4e3f-a4b5-c6d7e8f9a0b1"
}`;

/** errors.md §6.2. */
const SERVICE_ERROR = `{
  "success": false,
  "error": {
    "code": "SERVICE_ERROR",
    "message": "Products not found or inactive: RUG-9X12-GRN",
    "details": {
      "items[1].sku_code": ["Product 'RUG-9X12-GRN' does not exist or is inactive."]
    }
  },
  "request_id": "7d6c5b4a-3f2e-4d1c-9b0a-8f7e6d5c4b3a"
}`;

/** errors.md §6.3. */
const NOT_FOUND = `{
  "success": false,
  "error": {"code": "NOT_FOUND", "message": "Location 'WH/SHELF-99' not found."},
  "request_id": "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
}`;

/** errors.md §6.4. */
const METHOD_NOT_ALLOWED = `{
  "success": false,
  "error": {
    "code": "METHOD_NOT_ALLOWED",
    "message": "Method DELETE is not allowed on this endpoint.",
    "details": {"allowed_methods": ["GET", "HEAD", "OPTIONS"]}
  },
  "request_id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"
}`;

/** errors.md §6.5. */
const DUPLICATE = `{
  "success": false,
  "error": {
    "code": "DUPLICATE",
    "message": "sku: A product with this sku already exists.",
    "details": {"sku": ["A product with this sku already exists."]}
  },
  "request_id": "c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f"
}`;

/** errors.md §6.6. */
const CONFLICT = `{
  "success": false,
  "error": {
    "code": "CONFLICT",
    "message": "The record was modified concurrently and the request could not be applied. Retry the request."
  },
  "request_id": "d4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80"
}`;

/** errors.md §6.7. */
const PAYLOAD_TOO_LARGE = `{
  "success": false,
  "error": {
    "code": "PAYLOAD_TOO_LARGE",
    "message": "Request body exceeds the limit of 10485760 bytes.",
    "details": {"max_bytes": 10485760}
  },
  "request_id": "e5f6a7b8-c9d0-4e1f-8a2b-4c5d6e7f8091"
}`;

/** errors.md §6.8. */
const UNSUPPORTED_MEDIA_TYPE = `{
  "success": false,
  "error": {
    "code": "UNSUPPORTED_MEDIA_TYPE",
    "message": "Request body must be sent as application/json.",
    "details": {"content_type": "application/x-www-form-urlencoded"}
  },
  "request_id": "f6a7b8c9-d0e1-4f2a-9b3c-5d6e7f8091a2"
}`;

/** errors.md §6.9. */
const MAPPING_ERROR = `{
  "success": false,
  "error": {
    "code": "MAPPING_ERROR",
    "message": "Field mapping failed: Details: Expected an array, got object.",
    "details": {"Details": ["Expected an array, got object."]}
  },
  "request_id": "a7b8c9d0-e1f2-4a3b-8c4d-6e7f8091a2b3"
}`;

/** errors.md §6.10. */
const RATE_LIMITED = `{
  "success": false,
  "error": {
    "code": "RATE_LIMITED",
    "message": "Rate limit of 20 requests per second exceeded for this API key.",
    "details": {"limit_per_second": 20, "retry_after": 1}
  },
  "request_id": "b8c9d0e1-f2a3-4b4c-9d5e-7f8091a2b3c4"
}`;

/** errors.md §6.11. */
const INTERNAL_ERROR = `{
  "success": false,
  "error": {
    "code": "INTERNAL_ERROR",
    "message": "An unexpected error occurred. Quote the request_id when contacting support."
  },
  "request_id": "c9d0e1f2-a3b4-4c5d-8e6f-8091a2b3c4d5"
}`;

/** errors.md §6.12. */
const SERVICE_UNAVAILABLE = `{
  "success": false,
  "error": {
    "code": "SERVICE_UNAVAILABLE",
    "message": "The service is temporarily unavailable. Retry after 30 seconds.",
    "details": {"retry_after": 30}
  },
  "request_id": "d0e1f2a3-b4c5-4d6e-9f70-91a2b3c4d5e6"
}`;

/** errors.md §6.13. */
const GATEWAY_TIMEOUT = `{
  "success": false,
  "error": {
    "code": "GATEWAY_TIMEOUT",
    "message": "The request did not complete within 60 seconds. It may still be applied; check the record before retrying."
  },
  "request_id": "e1f2a3b4-c5d6-4e7f-8a81-a2b3c4d5e6f7"
}`;

/** errors.md §2. */
const AUTHENTICATION_FAILED = `{
  "detail": "Invalid API key",
  "success": false,
  "error": {
    "code": "AUTHENTICATION_FAILED",
    "message": "Invalid API key"
  },
  "request_id": "0f5d3c2b-1a09-4e8f-b7c6-d5e4f3a2b1c0"
}`;

/** errors.md §2. */
const PERMISSION_DENIED = `{
  "detail": "You do not have permission to perform this action.",
  "success": false,
  "error": {
    "code": "PERMISSION_DENIED",
    "message": "You do not have permission to perform this action.",
    "details": {"required_scope": "integrations.orders.delete"}
  },
  "request_id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
}`;

/** auth-and-keys.md §2. */
const KEY_EXPIRED = `{
  "detail": "API key has expired",
  "success": false,
  "error": {"code": "KEY_EXPIRED", "message": "API key has expired"},
  "request_id": "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0"
}`;

// ---------------------------------------------------------------------------------------------

function mutate(json: string, change: (body: Record<string, unknown>) => void): Record<string, unknown> {
  const body = JSON.parse(json) as Record<string, unknown>;
  change(body);
  return body;
}

function firstOrder(body: Record<string, unknown>): Record<string, unknown> {
  return body['data'] as Record<string, unknown>;
}

describe('createResponseValidator — the spec examples are accepted', () => {
  it.each<[string, string, number, string]>([
    ['POST', 'orders/', 201, ORDER_CREATED],
    ['GET', 'orders/?limit=2&status=pending,in_progress&updated_since=2026-04-01T00:00:00Z', 200, ORDER_LIST],
    ['GET', 'orders/ERP-5001/', 200, ORDER_CREATED],
    ['PUT', 'orders/ERP-5001', 200, ORDER_CREATED],
    ['DELETE', 'orders/ERP-5001/', 200, ORDER_CANCELLED],
    ['GET', 'orders/', 200, EMPTY_PAGE],
    ['GET', 'products/?limit=2', 200, PRODUCT_LIST],
    ['POST', 'products', 201, PRODUCT_CREATED],
    ['DELETE', 'products/RUG-5X7-BLU/', 200, PRODUCT_DEACTIVATED],
    ['GET', 'locations/A-101/', 200, LOCATION_SINGLE],
    ['GET', 'locations/WH%2FSHELF-01', 200, LOCATION_SINGLE],
    ['GET', 'locations/?limit=100', 200, LOCATION_LIST],
    ['POST', 'inventory/', 200, INVENTORY_BULK_WITH_ERRORS],
    ['POST', 'inventory/', 200, INVENTORY_BULK_OK],
    ['GET', 'inventory/?limit=3', 200, INVENTORY_LIST],
    ['GET', 'inventory/RUG-5X7-BLU/?by=sku', 200, INVENTORY_BY_SKU],
    ['POST', 'orders/', 400, VALIDATION_ERROR],
    ['GET', 'orders/?cursor=not-a-cursor', 400, INVALID_CURSOR],
    ['POST', 'orders/', 400, SERVICE_ERROR],
    ['GET', 'locations/WH%2FSHELF-99/', 404, NOT_FOUND],
    ['GET', 'inventory/WH%2FSHELF-99/', 404, NOT_FOUND],
    ['POST', 'products/', 409, DUPLICATE],
    ['PUT', 'orders/ERP-5001/', 409, CONFLICT],
    ['POST', 'inventory/', 413, PAYLOAD_TOO_LARGE],
    ['POST', 'orders/', 415, UNSUPPORTED_MEDIA_TYPE],
    ['POST', 'orders/', 422, MAPPING_ERROR],
    ['GET', 'orders/', 429, RATE_LIMITED],
    ['GET', 'products/', 500, INTERNAL_ERROR],
    ['POST', 'inventory/', 503, SERVICE_UNAVAILABLE],
    ['PUT', 'locations/A-101/', 504, GATEWAY_TIMEOUT],
    ['GET', 'orders/', 401, AUTHENTICATION_FAILED],
    ['GET', 'orders/', 401, KEY_EXPIRED],
    ['DELETE', 'orders/ERP-5001/', 403, PERMISSION_DENIED],
  ])('%s %s → %i', (method, path, status, body) => {
    expectValid(check(method, path, status, body));
  });

  it('accepts an already parsed body and a Buffer', () => {
    expectValid(check('GET', 'orders/', 200, JSON.parse(EMPTY_PAGE)));
    expectValid(check('GET', 'orders/', 200, Buffer.from(EMPTY_PAGE)));
  });

  it('validates the 405 example against the generic envelope of an unsupported method', () => {
    const headers = { 'X-Request-ID': 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', Allow: 'GET, HEAD, OPTIONS', 'Content-Type': 'application/json; charset=utf-8' };
    expectValid(check('DELETE', 'inventory/A-101/', 405, METHOD_NOT_ALLOWED, headers));
    expectValid(check('PATCH', 'inventory/A-101', 405, METHOD_NOT_ALLOWED, headers));
    expectInvalid(check('PATCH', 'inventory/A-101/', 405, METHOD_NOT_ALLOWED, { ...headers, Allow: 'GET, POST' }), /Allow/);
    expectInvalid(check('PATCH', 'inventory/A-101/', 405, METHOD_NOT_ALLOWED, { 'X-Request-ID': headers['X-Request-ID'] }), /missing header Allow/);
    expectInvalid(check('GET', 'inventory/A-101/', 405, METHOD_NOT_ALLOWED), /status 405 is not documented/);
  });

  it('validates unknown paths under the base path against the generic 404', () => {
    const notFound = `{"success": false, "error": {"code": "NOT_FOUND", "message": "The requested endpoint does not exist."}, "request_id": "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"}`;
    expectValid(check('GET', '/api/integrations/v1/', 404, notFound));
    expectValid(check('GET', '/api/integrations/v2/orders/', 404, notFound));
    expectValid(check('PATCH', 'orders//', 404, notFound));
    expectValid(check('GET', 'orders/ORD-1/items/', 404, notFound));
    expectValid(check('GET', 'Orders/', 404, notFound));
    expectValid(check('GET', 'nothing/', 401, AUTHENTICATION_FAILED));
    expectInvalid(check('GET', 'nothing/', 200, EMPTY_PAGE), /status 200 is not documented/);
    expectInvalid(check('GET', 'nothing/', 404, AUTHENTICATION_FAILED));
  });

  it('checks headers when they are given', () => {
    const requestId = '0f5d3c2b-1a09-4e8f-b7c6-d5e4f3a2b1c0';
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expectValid(check('GET', 'orders/', 401, AUTHENTICATION_FAILED, { ...json, 'x-request-id': requestId, 'www-authenticate': 'ApiKey header="X-API-Key"' }));
    expectInvalid(check('GET', 'orders/', 401, AUTHENTICATION_FAILED, { ...json, 'x-request-id': requestId }), /missing header WWW-Authenticate/);
    expectInvalid(check('GET', 'orders/', 401, AUTHENTICATION_FAILED, { ...json, 'www-authenticate': 'ApiKey header="X-API-Key"' }), /missing header X-Request-ID/);
    expectInvalid(
      check('GET', 'orders/', 401, AUTHENTICATION_FAILED, { ...json, 'x-request-id': 'other', 'www-authenticate': 'ApiKey header="X-API-Key"' }),
      /request_id .* differs from X-Request-ID/,
    );
    const rateHeaders = { ...json, 'x-request-id': 'b8c9d0e1-f2a3-4b4c-9d5e-7f8091a2b3c4', 'retry-after': '1', 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0' };
    expectValid(check('GET', 'orders/', 429, RATE_LIMITED, rateHeaders));
    expectInvalid(check('GET', 'orders/', 429, RATE_LIMITED, { ...rateHeaders, 'retry-after': 'soon' }), /Retry-After/);
    expectInvalid(check('GET', 'orders/', 429, RATE_LIMITED, { ...rateHeaders, 'retry-after': undefined }), /missing header Retry-After/);
    expectInvalid(check('GET', 'orders/', 200, EMPTY_PAGE, { 'x-request-id': 'r-1', 'content-type': 'text/plain' }), /Content-Type/);
    expectValid(check('GET', 'orders/', 200, EMPTY_PAGE, { 'x-request-id': 'r-1', 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }));
  });

  it('accepts HEAD and OPTIONS without bodies and rejects bodies on them', () => {
    expectValid(check('HEAD', 'orders/', 200, ''));
    expectValid(check('HEAD', 'orders/ERP-5001', 404, undefined));
    expectValid(check('HEAD', 'nothing/', 404, null));
    expectValid(check('OPTIONS', 'orders/', 204, '', { 'X-Request-ID': 'abc', Allow: 'GET, HEAD, OPTIONS, POST' }));
    expectInvalid(check('OPTIONS', 'orders/', 204, '', { 'X-Request-ID': 'abc', Allow: 'GET, HEAD, OPTIONS' }), /Allow/);
    expectInvalid(check('HEAD', 'orders/', 200, EMPTY_PAGE), /expected no body/);
    expectInvalid(check('OPTIONS', 'orders/', 204, '{}'), /expected no body/);
    expectInvalid(check('HEAD', 'orders/', 201, ''), /status 201 is not documented/);
  });

  it('validates the OpenAPI document route', () => {
    const doc = JSON.stringify(buildOpenApiDocument());
    expectValid(check('GET', 'openapi.json', 200, doc));
    expectValid(check('GET', 'openapi.json/', 200, doc));
    expectValid(check('HEAD', 'openapi.json', 200, ''));
    expectValid(check('OPTIONS', 'openapi.json', 204, ''));
    expectInvalid(check('GET', 'openapi.json', 200, '{"openapi": "3.0.3", "info": {}, "paths": {}}'));
  });

  it('skips paths outside the integration API', () => {
    expect(check('GET', '/healthz', 200, '{"status":"ok"}')).toEqual({ ok: true, skipped: expect.any(String) });
  });
});

describe('createResponseValidator — wrong bodies are rejected', () => {
  it('rejects an order missing cancellation_reason', () => {
    const body = mutate(ORDER_CREATED, (b) => delete firstOrder(b)['cancellation_reason']);
    expectInvalid(check('POST', 'orders/', 201, body), /must have required property 'cancellation_reason'/);
  });

  it('rejects an extra key in an order, an order line, a product, a location and an inventory record', () => {
    expectInvalid(
      check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (firstOrder(b)['total'] = 3))),
      /must NOT have additional properties: 'total'/,
    );
    expectInvalid(
      check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => ((firstOrder(b)['items'] as Array<Record<string, unknown>>)[0]!['sku_code'] = 'A'))),
      /items\/0 must NOT have additional properties: 'sku_code'/,
    );
    expectInvalid(check('GET', 'products/X/', 200, mutate(PRODUCT_CREATED, (b) => (firstOrder(b)['price'] = 1))), /'price'/);
    expectInvalid(check('GET', 'locations/X/', 200, mutate(LOCATION_SINGLE, (b) => (firstOrder(b)['bin'] = 'x'))), /'bin'/);
    expectInvalid(
      check('GET', 'inventory/', 200, mutate(INVENTORY_LIST, (b) => ((b['data'] as Array<Record<string, unknown>>)[0]!['id'] = 'x'))),
      /'id'/,
    );
  });

  it('rejects a datetime without Z, with an offset, and a null required datetime', () => {
    expectInvalid(check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (firstOrder(b)['created_at'] = '2026-04-16T10:00:00'))), /created_at must match pattern/);
    expectInvalid(check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (firstOrder(b)['due_date'] = '2026-05-01T00:00:00+02:00'))), /due_date/);
    expectInvalid(check('GET', 'products/X/', 200, mutate(PRODUCT_CREATED, (b) => (firstOrder(b)['updated_at'] = null))), /updated_at must be string/);
    expectValid(check('GET', 'products/X/', 200, mutate(PRODUCT_CREATED, (b) => (firstOrder(b)['updated_at'] = '2026-04-16T09:00:00.482913Z'))));
  });

  it('rejects ids that are not lower-case UUIDs and wrong types', () => {
    expectInvalid(check('GET', 'products/X/', 200, mutate(PRODUCT_CREATED, (b) => (firstOrder(b)['id'] = '9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D'))), /id must match pattern/);
    expectInvalid(check('GET', 'products/X/', 200, mutate(PRODUCT_CREATED, (b) => (firstOrder(b)['cost'] = '42.50'))), /cost must be number,null/);
    expectInvalid(check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (firstOrder(b)['status'] = 'open'))), /status must be equal to one of the allowed values/);
    expectInvalid(check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (firstOrder(b)['metadata'] = null))), /metadata must be object/);
  });

  it('rejects envelopes that break the contract', () => {
    expectInvalid(check('GET', 'orders/', 200, mutate(EMPTY_PAGE, (b) => delete b['pagination'])), /required property 'pagination'/);
    expectInvalid(check('GET', 'orders/', 200, mutate(EMPTY_PAGE, (b) => ((b['pagination'] as Record<string, unknown>)['total'] = 0))), /'total'/);
    expectInvalid(check('GET', 'orders/X/', 200, mutate(ORDER_CREATED, (b) => (b['success'] = 'true'))), /success must be equal to constant/);
    expectInvalid(check('GET', 'orders/X/', 200, EMPTY_PAGE), /data must be object/);
    expectInvalid(check('POST', 'inventory/', 200, mutate(INVENTORY_BULK_OK, (b) => ((b['data'] as Record<string, unknown>)['skipped'] = 0))), /'skipped'/);
    expectInvalid(
      check('POST', 'inventory/', 200, mutate(INVENTORY_BULK_WITH_ERRORS, (b) => ((b['data'] as { errors: Array<Record<string, unknown>> }).errors[0]!['errors'] = { sku_code: ['x'] }))),
      /property name must be valid|propertyName/,
    );
    expectInvalid(check('GET', 'orders/', 200, 'not json'), /not JSON/);
    expectInvalid(check('GET', 'orders/', 200, ''), /expected a JSON body/);
  });

  it('rejects error envelopes without request_id, with unknown keys or mismatched codes', () => {
    expectInvalid(check('GET', 'orders/X/', 404, mutate(NOT_FOUND, (b) => delete b['request_id'])), /required property 'request_id'/);
    expectInvalid(check('GET', 'orders/X/', 404, mutate(NOT_FOUND, (b) => (b['detail'] = 'x'))), /'detail'/);
    expectInvalid(check('GET', 'orders/X/', 404, CONFLICT), /error\/code must be equal to one of the allowed values/);
    expectInvalid(check('GET', 'orders/', 400, SERVICE_ERROR), /error\/code/);
    expectInvalid(check('GET', 'orders/X/', 404, mutate(NOT_FOUND, (b) => ((b['error'] as Record<string, unknown>)['details'] = {}))), /details/);
    expectInvalid(
      check('POST', 'orders/', 400, mutate(VALIDATION_ERROR, (b) => ((b['error'] as { details: Record<string, unknown> }).details['x'] = []))),
      /must NOT have fewer than 1 items/,
    );
    expectInvalid(check('POST', 'orders/', 415, mutate(UNSUPPORTED_MEDIA_TYPE, (b) => delete (b['error'] as Record<string, unknown>)['details'])), /details/);
  });

  it('rejects authentication bodies without detail or with a wrong contractual text', () => {
    expectInvalid(check('GET', 'orders/', 401, mutate(AUTHENTICATION_FAILED, (b) => delete b['detail'])), /required property 'detail'/);
    expectInvalid(check('GET', 'orders/', 401, mutate(AUTHENTICATION_FAILED, (b) => (b['detail'] = 'Bad key'))), /detail must be equal to constant/);
    expectInvalid(check('GET', 'orders/', 403, mutate(PERMISSION_DENIED, (b) => delete (b['error'] as Record<string, unknown>)['details'])), /details/);
    expectInvalid(check('GET', 'orders/', 401, PERMISSION_DENIED), /error\/code/);
    const notAuthenticated = `{"detail": "Authentication credentials were not provided.", "success": false, "error": {"code": "NOT_AUTHENTICATED", "message": "Authentication credentials were not provided."}, "request_id": "r"}`;
    expectValid(check('GET', 'orders/', 403, notAuthenticated));
  });

  it('rejects an undocumented status', () => {
    expectInvalid(check('GET', 'orders/', 201, ORDER_CREATED), /status 201 is not documented/);
    expectInvalid(check('GET', 'orders/X/', 409, CONFLICT), /status 409 is not documented/);
    // (POST orders/ documents 409 since Idempotency-Key: a request with the key in progress.)
    expectInvalid(check('GET', 'openapi.json', 401, AUTHENTICATION_FAILED), /status 401 is not documented/);
    expectInvalid(check('POST', 'orders/', 200, ORDER_CREATED), /status 200 is not documented/);
  });
});

describe('createResponseValidator — partner-mapped responses', () => {
  const partnerOrder = mutate(ORDER_CREATED, (b) => {
    const order = firstOrder(b);
    order['OrderNbr'] = order['order_number'];
    delete order['order_number'];
  });

  it('checks the envelope but not the partner field names', () => {
    expectInvalid(validator.validate({ method: 'GET', path: `${BASE}orders/X/`, status: 200, body: partnerOrder }));
    expect(validator.validate({ method: 'GET', path: `${BASE}orders/X/`, status: 200, body: partnerOrder, partnerMapped: true })).toEqual({ ok: true });
    const noPagination = mutate(ORDER_LIST, (b) => delete b['pagination']);
    expectInvalid(validator.validate({ method: 'GET', path: `${BASE}orders/`, status: 200, body: noPagination, partnerMapped: true }), /pagination/);
  });
});
