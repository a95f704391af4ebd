import type { IntegrationLogSink, KeyLimits } from './limits-and-logs';
import type { Action, OperationName, ResourceName, ServiceReply, ServiceRequest } from '@datamingle/contracts';

/** The resources of the integration API (conventions.md §4): the resource registry's. */
export type Resource = ResourceName;

/** Scope actions (auth-and-keys.md §5). */
export type { Action };

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
  /**
   * The body: already buffered (`null` when the request had none), or a `PendingBody` the HTTP
   * layer reads only when the pipeline asks — after authentication, so that a caller without a
   * valid key never has its body held in memory.
   */
  body: Buffer | null | PendingBody;
  /** Set by the HTTP layer when the declared `Content-Length` exceeds 10,485,760 bytes (step 1, nothing read). */
  bodyTooLarge?: boolean;
  remoteAddress?: string;
}

/** What reading a pending body gave. */
export type BodyReadResult =
  | { status: 'ok'; body: Buffer | null }
  /** Over 10,485,760 bytes (a body of undeclared length, counted while it streamed). */
  | { status: 'too_large' }
  /** The gateway's budget of buffered body bytes is exhausted: nothing was read for this request. */
  | { status: 'over_budget'; retryAfterSeconds: number }
  /** The client closed the connection before the body was complete. */
  | { status: 'aborted' };

/** A request body the HTTP layer has not read yet. */
export interface PendingBody {
  /** Reads the whole body into memory, under the gateway's byte budget. */
  read(): Promise<BodyReadResult>;
  /**
   * Only learns whether the body is over the limit (step 1) without keeping it: resolves at once
   * when the declared `Content-Length` answers it, otherwise reads and drops a body of undeclared
   * length. `ok` carries `body: null`.
   */
  measure(): Promise<BodyReadResult>;
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
  /** The key's partner (a partner key, auth-and-keys.md §6), or `null` for a pass-through key. */
  partner: KeyPartner | null;
  /** `rate_limit_per_second` (limits-and-versioning.md §4): `null` = no rate limit. */
  rateLimitPerSecond: number | null;
}

/** What the request path needs of a key's partner, read with the key: state as committed right now. */
export interface KeyPartner {
  id: string;
  /** For the integration log (integration-logs.md §2 `partner`). */
  name: string;
  /** custom-integrations.md §1.1: an internal field name, used where it is an eligible identifier field of the resource. */
  defaultIdentifierField: string | null;
  /** The partner's active mapping per resource (at most one each): its version and `identifier_field`. */
  activeMappings: Partial<Record<Resource, ActiveMappingRef>>;
}

export interface ActiveMappingRef {
  /** `<mapping id>:<revision>`; every change of the mapping gives a new one. */
  version: string;
  identifierField: string | null;
}

/** The service operation a routed request asks for. */
export interface Operation {
  resource: Resource;
  action: Action;
  /** `delete` is DELETE on an item route. */
  name: OperationName;
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
   * Calls the owning service for the key `keyId`. May throw `ServiceUnavailableError` (→ 503) or
   * `ServiceTimeoutError` (→ 504); anything else thrown becomes `500 INTERNAL_ERROR`.
   */
  dispatch(op: Operation, request: ServiceRequest, keyId?: string): Promise<ServiceReply>;
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
  /**
   * The stored mapping of an active mapping version (custom-integrations.md §2.2), for partner
   * keys: `version` is the one read with the key; the answer carries the version it actually is
   * (a newer one when the mapping changed in between), or `null` when the mapping is gone.
   * Versions never change, so an implementation may cache by version.
   */
  loadMapping(tenantId: string, version: string): Promise<{ version: string; definition: unknown } | null>;
  /** Steps 6–7 (limits-and-versioning.md §3–§4). Without it, no request is limited. */
  limits?: KeyLimits;
  /** The integration log (integration-logs.md). Without it, nothing is logged. */
  integrationLog?: IntegrationLogSink;
  /** Told about every failure that became `500 INTERNAL_ERROR` (the response never reveals it). */
  onUnexpectedError?(error: unknown, requestId: string): void;
  /** `Idempotency-Key` (history-feed-idempotency.md §3). Without it, the header is ignored. */
  idempotency?: IdempotencyStore;
  /** The change feed's events (history-feed-idempotency.md §2). Without it, `changes/` is an unknown route. */
  changeFeed?: ChangeFeedPort;
  /**
   * Told when a feed page was held back past its grace because the record of its first change is
   * still not projected (the tenant's feed cannot move on until it is): an operator should look.
   */
  onFeedHeldBack?(held: { tenantId: string; streamName: string; revision: number; requestId: string }): void;
}

/** One event of a tenant's change feed, as the store holds it. */
export interface FeedEvent {
  /** The store's position: the feed's cursors carry it. */
  position: string;
  resource: Resource;
  streamName: string;
  /** The record's id (for inventory: its location's). */
  aggregateId: string;
  type: string;
  /** The aggregate version (stream revision + 1). */
  version: number;
  /** The event's revision in its stream (the records must reflect at least this one). */
  revision: number;
  occurredAt: string;
  /** Inventory: the SKU of the changed (location, SKU) pair. */
  sku?: string;
}

/**
 * The change feed's store side: one tenant's events in storage order (gap-free: never an event
 * before one that can still commit ahead of it), and waiting for new ones.
 */
export interface ChangeFeedPort {
  /** The secret the feed's cursors are signed with (the same on every gateway, kept across restarts). */
  readonly cursorSecret: Uint8Array;
  /** True once the gateway is shutting down: long polls answer what they have instead of waiting. */
  readonly closing: boolean;
  /** At most `limit` events of the tenant after `after` (null: from its first event), of streams of these categories. */
  read(tenantId: string, after: string | null, categories: readonly string[], limit: number): Promise<FeedEvent[]>;
  /**
   * Resolves when an event of one of `categories` may have been stored (true), or after
   * `timeoutMs` / when `signal` aborts (false). Never rejects.
   */
  waitForChanges(timeoutMs: number, categories: readonly string[], signal: AbortSignal): Promise<boolean>;
}

/** A response kept for an `Idempotency-Key`: what is sent again on a replay. */
export interface StoredResponse {
  status: number;
  /** The response's own headers worth repeating (e.g. `Location`); not the per-request ones. */
  headers: Record<string, string>;
  /** Serialized JSON, or `null`. */
  body: string | null;
}

/** What a claim of an `Idempotency-Key` found. */
export type IdempotencyClaim =
  /** The request is the key's first (or the key's earlier use expired or was abandoned): process it. */
  | { state: 'claimed'; claimId: string }
  /** The key's first request is still being processed. */
  | { state: 'in_flight' }
  /** The key was used for a different request (method, path or body). */
  | { state: 'mismatch' }
  /** The same request was answered already: send its response again. */
  | { state: 'replay'; response: StoredResponse };

/**
 * The `Idempotency-Key` store: keys are scoped to the API key, kept 24 hours. `fingerprint` names
 * the request (method, path, canonical body); a claim is settled by `complete` (its response is
 * stored) or `release` (nothing is stored: the next request with the key is processed).
 */
export interface IdempotencyStore {
  claim(apiKeyId: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(apiKeyId: string, key: string, claimId: string, response: StoredResponse): Promise<void>;
  release(apiKeyId: string, key: string, claimId: string): Promise<void>;
}
