// The pipeline's dependencies (PipelineDeps of @datamingle/gateway-domain) and the gateway's
// readiness checks, assembled from the runtime's parts; main.ts only wires the Nest runtime.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SERVICE_NAMES } from '@datamingle/contracts';
import { LruCache } from '@datamingle/kernel';
import { hashApiKey, ServiceUnavailableError, type ChangeFeedPort, type IdempotencyStore, type KeyLimits, type KeyRecord, type PipelineDeps } from '@datamingle/gateway-domain';
import type { GatewayStore, KeyStateCache } from '@datamingle/gateway-infrastructure';
import { isUnavailable, type Logger, type ReadinessCheck } from '@datamingle/platform';
import type { KeyUsage } from './key-usage';
import { KeyDispatch } from './key-dispatch';
import type { Metrics } from './metrics';
import type { SecurityEventRecorder } from './security-events';
import type { ServiceClients } from './service-clients';

export interface PipelineDepsParts {
  baseDomain: string;
  store: Pick<GatewayStore, 'findKeyByHash' | 'findMapping'>;
  /** The HMAC secret of the key hashes (read from the database once the runtime started). */
  hmacSecret: () => string;
  /** The OpenAPI document, serialized once per process. */
  openApiJson: string;
  usage: Pick<KeyUsage, 'mark'>;
  clients: Pick<ServiceClients, 'dispatch'>;
  metrics: Pick<Metrics, 'observeServiceCall'>;
  securityEvents: Pick<SecurityEventRecorder, 'record'>;
  /** The integration log's writer (integration-logs.md: batched, asynchronous, never fails a request). */
  integrationLog?: PipelineDeps['integrationLog'];
  logger: Pick<Logger, 'error' | 'warn'>;
  /** Steps 6–7: the per-key rate limit and concurrency slots shared by every gateway instance. */
  limits?: KeyLimits;
  /** Service calls of one key in flight at most (`GATEWAY_KEY_SERVICE_CONCURRENCY`); absent: no cap. */
  keyServiceConcurrency?: number;
  /** Key state cached across requests, invalidated before every admin change returns (key-state-cache.ts); absent: one look-up per request. */
  keyCache?: Pick<KeyStateCache, 'lookup'>;
  /** `Idempotency-Key` (history-feed-idempotency.md §3): claims and stored responses per API key. */
  idempotency?: IdempotencyStore;
  /** The change feed (§2), once the runtime opened it (`null` before). */
  changeFeed?: () => ChangeFeedPort | null;
}

/** Stored mappings kept per gateway process (a few KiB each at most 256 KiB; keyed by immutable version). */
const MAPPING_CACHE_ENTRIES = 1024;

/** A read of the gateway's database: when it is down nothing can be decided and nothing was applied (503 + Retry-After). */
async function fromGatewayDatabase<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isUnavailable(error)) throw new ServiceUnavailableError(`gateway database unavailable: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function createPipelineDeps(parts: PipelineDepsParts): PipelineDeps {
  const { store, usage, clients, metrics, securityEvents, logger } = parts;
  const keyDispatch = parts.keyServiceConcurrency === undefined ? null : new KeyDispatch(parts.keyServiceConcurrency);
  const mappings = new LruCache<{ version: string; definition: unknown }>(MAPPING_CACHE_ENTRIES);
  return {
    openApiDocument: () => parts.openApiJson,
    baseDomain: parts.baseDomain,
    now: () => new Date(),
    newRequestId: () => randomUUID(),
    hashApiKey: (key) => hashApiKey(parts.hmacSecret(), key),
    findKeyByHash: (hash): Promise<KeyRecord | null> =>
      fromGatewayDatabase(() => (parts.keyCache ? parts.keyCache.lookup(hash, () => store.findKeyByHash(hash)) : store.findKeyByHash(hash))),
    // A version never changes: read once per gateway process, then served from memory.
    loadMapping: async (tenantId, version) => {
      const cached = mappings.get(`${tenantId}/${version}`);
      if (cached !== undefined) return cached;
      const loaded = await fromGatewayDatabase(() => store.findMapping(tenantId, version));
      if (loaded !== null) mappings.set(`${tenantId}/${loaded.version}`, loaded);
      return loaded;
    },
    // last_used_at moves only for a key that passed authentication (steps 1–3), never for a
    // key presented on another tenant's host, an expired or a revoked one.
    onKeyAuthenticated: (key) => usage.mark(key.id),
    dispatch: async (op, request, keyId) => {
      const started = process.hrtime.bigint();
      try {
        // One key's surplus waits here, so that other callers' calls find short queues downstream.
        return await (keyDispatch && keyId !== undefined ? keyDispatch.run(keyId, () => clients.dispatch(op, request)) : clients.dispatch(op, request));
      } finally {
        metrics.observeServiceCall(op.resource, op.name, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
    onSecurityEvent: (e) => {
      // Bounded volume (auth-and-keys.md §9): batched, aggregated, one write at a time.
      securityEvents.record(e);
    },
    onUnexpectedError: (error, requestId) => logger.error('request failed', { request_id: requestId, error }),
    onFeedHeldBack: (held) =>
      logger.warn('change feed held back: the record of the next change is not projected yet', {
        tenant_id: held.tenantId,
        stream: held.streamName,
        revision: held.revision,
        request_id: held.requestId,
      }),
    ...(parts.limits ? { limits: limitsOnGatewayDatabase(parts.limits) } : {}),
    ...(parts.integrationLog ? { integrationLog: parts.integrationLog } : {}),
    ...(parts.idempotency ? { idempotency: idempotencyOnGatewayDatabase(parts.idempotency) } : {}),
    ...(parts.changeFeed ? { changeFeed: changeFeedOnEventStore(parts.changeFeed) } : {}),
  };
}

/** The change feed once opened; a store that cannot answer is a 503 + Retry-After (nothing to undo: it is a read). */
function changeFeedOnEventStore(feed: () => ChangeFeedPort | null): ChangeFeedPort {
  const opened = (): ChangeFeedPort => {
    const f = feed();
    if (f === null) throw new ServiceUnavailableError('the change feed is not open yet');
    return f;
  };
  return {
    get cursorSecret() {
      return opened().cursorSecret;
    },
    get closing() {
      return feed()?.closing ?? false;
    },
    read: async (tenantId, after, categories, limit) => {
      try {
        return await opened().read(tenantId, after, categories, limit);
      } catch (error) {
        if (isUnavailable(error)) throw new ServiceUnavailableError(`event store unavailable: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    },
    waitForChanges: (timeoutMs, categories, signal) => opened().waitForChanges(timeoutMs, categories, signal),
  };
}

/** A claim the gateway's database cannot answer is a 503 + Retry-After: nothing was processed. */
function idempotencyOnGatewayDatabase(store: IdempotencyStore): IdempotencyStore {
  return {
    claim: (apiKeyId, key, fingerprint) => fromGatewayDatabase(() => store.claim(apiKeyId, key, fingerprint)),
    complete: (apiKeyId, key, claimId, response) => store.complete(apiKeyId, key, claimId, response),
    release: (apiKeyId, key, claimId) => store.release(apiKeyId, key, claimId),
  };
}

/** KeyLimits whose database failures become ServiceUnavailableError (503 + Retry-After), like the key lookup's. */
function limitsOnGatewayDatabase(limits: KeyLimits): KeyLimits {
  return {
    takeToken: (keyId, ratePerSecond) => fromGatewayDatabase(() => limits.takeToken(keyId, ratePerSecond)),
    acquireSlot: (keyId) => fromGatewayDatabase(() => limits.acquireSlot(keyId)),
  };
}

/** /readyz of the gateway: its database and the own health of every service of the resource registry. */
export function createReadinessChecks(ds: Pick<DataSource, 'query'>, clients: Pick<ServiceClients, 'health'>): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
    ...SERVICE_NAMES.map((service) => ({
      name: service,
      check: async () => {
        const health = await clients.health(service, 1_500);
        if (health.status !== 'ok') throw new Error(Object.entries(health.checks).filter(([, v]) => v !== 'ok').map(([k, v]) => `${k}: ${v}`).join('; '));
      },
    })),
  ];
}
