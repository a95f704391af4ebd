import type { ApiError } from './errors';

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
   * A large body the gateway forwards unparsed (media type checked, valid UTF-8): the service
   * parses it with the same rules (kernel's parseJsonText) before anything else, and `body` is `{}`.
   */
  bodyJson?: string;
}

export interface Pagination {
  limit: number;
  next_cursor: string | null;
}

/** A service's answer. Services never throw across the transport: failures are values. */
export type ServiceReply =
  | { ok: true; status: 200 | 201; data: unknown; pagination?: Pagination }
  | { ok: false; error: ApiError };

/** Message patterns on the @nestjs/microservices transport. */
export const Patterns = {
  orders: {
    create: 'orders.create',
    list: 'orders.list',
    get: 'orders.get',
    update: 'orders.update',
    cancel: 'orders.cancel',
  },
  products: {
    create: 'products.create',
    list: 'products.list',
    get: 'products.get',
    update: 'products.update',
    deactivate: 'products.deactivate',
    /** orders → catalog: which of these SKUs are active products of the tenant. */
    resolveSkus: 'products.resolve-skus',
    /** inventory → catalog: which SKUs exist, and whether each is active. */
    skuStatus: 'products.sku-status',
  },
  locations: {
    create: 'locations.create',
    list: 'locations.list',
    get: 'locations.get',
    update: 'locations.update',
    deactivate: 'locations.deactivate',
  },
  inventory: {
    bulkSet: 'inventory.bulk-set',
    list: 'inventory.list',
    /** Records of one location, or of one SKU with ?by=sku. */
    get: 'inventory.get',
  },
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
