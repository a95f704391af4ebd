import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';

/** The four resources of the integration API (conventions.md §4). */
export type Resource = 'orders' | 'products' | 'locations' | 'inventory';

/** Scope actions (auth-and-keys.md §5). */
export type Action = 'read' | 'write' | 'delete';

/** One HTTP request as the HTTP layer received it, before any interpretation. */
export interface RawRequest {
  method: string;
  /** Path plus optional `?query`, exactly as received (still percent-encoded). */
  rawUrl: string;
  /**
   * Lower-case header names as Node gives them. A header the client sent more than once
   * should be passed as an array (Node's `req.headersDistinct`); that matters for `x-api-key`.
   */
  headers: Record<string, string | string[] | undefined>;
  /** The buffered body; `null` when the request had none. */
  body: Buffer | null;
  /** Set by the HTTP layer when `Content-Length` or the streamed size exceeded 10,485,760 bytes. */
  bodyTooLarge?: boolean;
  remoteAddress?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized JSON, or `null` (HEAD, 204). */
  body: string | null;
}

/** What the gateway knows about an API key, looked up by the key's hash. */
export interface KeyRecord {
  id: string;
  name: string;
  tenantId: string;
  tenantSlug: string;
  tenantIntegrationEnabled: boolean;
  scopes: string[];
  isActive: boolean;
  expiresAt: Date | null;
  partnerId: string | null;
}

/** The service operation a routed request asks for. */
export interface Operation {
  resource: Resource;
  action: Action;
  /** `delete` is DELETE on an item route. */
  name: 'create' | 'list' | 'get' | 'update' | 'delete';
  /** Percent-decoded `{identifier}` (item routes only). */
  identifier?: string;
}

/** Fields of an authentication-layer security event (auth-and-keys.md §9). */
export interface SecurityEvent {
  reason: 'NOT_AUTHENTICATED' | 'AUTHENTICATION_FAILED' | 'KEY_EXPIRED' | 'INTEGRATION_DISABLED' | 'PERMISSION_DENIED';
  requestId: string;
  /** The key, when it was identified as a key of the host's tenant; otherwise `null`. */
  keyId: string | null;
  keyName: string | null;
  /** The tenant the event belongs to; `null` when the host's tenant is unknown or unproven. */
  tenantId: string | null;
  /** The slug the Host header names (it may not exist); `null` when the host names no tenant. */
  hostTenantSlug: string | null;
  method: string;
  /** The raw request path without its query string (a key sent in the query is never recorded). */
  path: string;
  clientIp: string | null;
  occurredAt: Date;
}

export interface PipelineDeps {
  /** e.g. `localhost` or `datamingle.ai`. */
  baseDomain: string;
  now(): Date;
  /** A fresh UUID v4. */
  newRequestId(): string;
  /** The only data-store lookup; never called for a value that fails the key-format check. */
  findKeyByHash(hash: string): Promise<KeyRecord | null>;
  hashApiKey(key: string): string;
  /**
   * Calls the owning service. May throw `ServiceUnavailableError` (→ 503) or
   * `ServiceTimeoutError` (→ 504); anything else thrown becomes `500 INTERNAL_ERROR`.
   */
  dispatch(op: Operation, request: ServiceRequest): Promise<ServiceReply>;
  onSecurityEvent?(event: SecurityEvent): void;
  /**
   * Told when a key passed authentication (auth-and-keys.md §2 steps 1–3: known, of this tenant,
   * active, not expired), also when the tenant's integration switch then refuses it; for
   * `last_used_at`. Must not block: the pipeline does not wait for it.
   */
  onKeyAuthenticated?(key: KeyRecord, requestId: string): void;
  /**
   * The OpenAPI document served at `GET /api/integrations/v1/openapi.json` without
   * authentication. A string is sent as is; anything else is serialized as JSON.
   * Without this dependency the path is an unknown route.
   */
  openApiDocument?(): unknown;
  /** Told about every failure that became `500 INTERNAL_ERROR` (the response never reveals it). */
  onUnexpectedError?(error: unknown, requestId: string): void;
}
