import type { ApiError } from './errors';
import { RESOURCE_REGISTRY } from './registry';

/** What the gateway sends to a service for one integration-API request. */
export interface ServiceRequest {
  tenantId: string;
  tenantSlug: string;
  requestId: string;
  traceparent?: string;
  /** Percent-decoded `{identifier}` path segment (item routes only). */
  identifier?: string;
  /** First occurrence of each query parameter, URL-decoded. */
  query: Record<string, string>;
  /** Parsed JSON body; `{}` when the request had none. Top level is always an object. */
  body: Record<string, unknown>;
  /**
   * The request body's bytes as sent, which the gateway forwards unparsed (media type checked,
   * valid UTF-8): the service parses them with the platform's one parser (kernel's parseJsonBody)
   * before anything else, and `body` is `{}`. The transport carries them as a binary attachment
   * (platform's FrameSocket), never as a JSON string.
   */
  bodyUtf8?: Uint8Array;
  /**
   * A partner key's active field mapping for the request's resource (custom-integrations.md §4):
   * the service maps the body forward before anything else and the reply back. Absent for
   * pass-through keys and for partners without an active mapping of the resource.
   */
  mapping?: ServiceMapping;
  /**
   * For a partner key: the one field `{identifier}` is matched against (identifiers.md §2.2 rules
   * 1–2, always an eligible field of the resource). Absent: the platform default (§3).
   */
  identifierField?: string;
  /**
   * The API key that sent the request (id and name, never its value): stored with the events the
   * request causes, for the record history's `api_key` (history-feed-idempotency.md §1).
   */
  apiKey?: { id: string; name: string };
}

/** One record the change feed asks its owning service for (the `records` operation's body `refs`). */
export interface RecordRef {
  /** The stream of the record (orders, products, locations); for inventory, the location's inventory stream. */
  stream: string;
  /** Inventory only: the SKU of the changed (location, SKU) pair. */
  sku?: string;
  /**
   * The stream revision of the change: a record whose read-model row does not reflect it yet (the
   * writer's projection has not run) is answered `null`, "not ready", never an older state.
   */
  revision?: number;
}

/** A field mapping as the gateway sends it with a request. */
export interface ServiceMapping {
  /** `<mapping id>:<revision>`: changes with every edit, so services cache compiled mappings by it. */
  version: string;
  /** The stored mapping (custom-integrations.md §2.2: resource, identifier_field, field_map, nested_mappings, static_values). */
  definition: unknown;
}

export interface Pagination {
  limit: number;
  next_cursor: string | null;
}

/** A service's answer. Services never throw across the transport: failures are values. */
export type ServiceReply = (
  | { ok: true; status: 200 | 201; data: unknown; pagination?: Pagination }
  | { ok: false; error: ApiError }
) & { log?: ReplyLog };

/** What the gateway's integration-log entry needs from the service (integration-logs.md §2). */
export interface ReplyLog {
  /**
   * `mapped_payload`: `null` when the body was not a JSON object or the mapping failed; the
   * serialized internal body when a partner mapping changed it (at most {@link MAX_LOGGED_PAYLOAD_BYTES}
   * bytes, then `mappedBodyShortened`); absent when the body was a JSON object passed on as sent.
   */
  mappedBody?: string | null;
  mappedBodyShortened?: boolean;
  /** `internal_id`: the one order, product or location the request created, read, updated, cancelled or deactivated. */
  recordId?: string;
}

/** Each payload field of an integration-log entry is stored up to this size (integration-logs.md §4). */
export const MAX_LOGGED_PAYLOAD_BYTES = 1_048_576;

/**
 * Message patterns on the @nestjs/microservices transport. Those of the integration API's
 * operations come from the resource registry (`RESOURCE_REGISTRY[resource].operations`, keyed by
 * operation: `Patterns.orders.delete` is `orders.cancel`); the others are service-to-service.
 */
export const Patterns = {
  orders: RESOURCE_REGISTRY.orders.operations,
  products: {
    ...RESOURCE_REGISTRY.products.operations,
    /** orders → catalog: which of these SKUs are active products of the tenant. */
    resolveSkus: 'products.resolve-skus',
    /** inventory → catalog: which SKUs exist, and whether each is active. */
    skuStatus: 'products.sku-status',
  },
  locations: RESOURCE_REGISTRY.locations.operations,
  inventory: RESOURCE_REGISTRY.inventory.operations,
  health: 'health.check',
} as const;

export interface ResolveSkusRequest {
  tenantId: string;
  skus: string[];
}
/** SKUs that exist and are active. */
export interface ResolveSkusReply {
  active: string[];
}

export interface HealthReply {
  service: string;
  status: 'ok' | 'degraded';
  checks: Record<string, 'ok' | string>;
}

export interface SkuStatusRequest {
  tenantId: string;
  skus: string[];
}
/** For each requested SKU that exists: whether its product is active. Unknown SKUs are absent. */
export interface SkuStatusReply {
  status: Record<string, 'active' | 'inactive'>;
}
