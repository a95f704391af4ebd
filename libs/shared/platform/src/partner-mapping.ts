import type { OperationName, ResourceName, ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { forwardMethodOf, MappingCache, type CompiledMapping } from '@datamingle/mapping';

/**
 * Steps 14 and 18 of the processing order (conventions.md §5) for partner keys: the field mapping
 * the gateway sent with the request (custom-integrations.md §4–7), applied where the body is
 * parsed — here, in the owning service (docs/architecture.md, "where partner mappings run").
 *
 * - Forward (§5): the bodies `forwardMethodOf` names (create, update, an order's cancel).
 * - Reverse (§6): the records of every order, product and location reply (one record or a list's
 *   elements); inventory records of the two inventory reads with the element map of the nested
 *   mapping (§6.3); never the inventory bulk summary.
 * - History (history-feed-idempotency.md §1): the field paths of each entry's `changes`, like error paths.
 * - The change feed's `records` (§2): each current record, as its GET would answer it.
 * - Errors (§7): `details` keys and quoted field names of validation, business-rule and duplicate
 *   errors; the request's query-parameter names are kept as they are.
 */

function reverseData(compiled: CompiledMapping, resource: ResourceName, operation: OperationName, data: unknown): unknown {
  if (operation === 'history') {
    // History entries: only the field names of `changes` are the record's (history-feed-idempotency.md §1).
    if (!Array.isArray(data)) return data;
    return data.map((entry: { changes?: Record<string, unknown> }) =>
      entry && typeof entry === 'object' && entry.changes && typeof entry.changes === 'object'
        ? { ...entry, changes: Object.fromEntries(Object.entries(entry.changes).map(([path, change]) => [compiled.translatePath(path), change])) }
        : entry,
    );
  }
  if (operation === 'records') {
    // The change feed's current records, in the refs' order; `null` where a record is gone.
    if (!Array.isArray(data)) return data;
    const reverse = (record: unknown) => (resource === 'inventory' ? compiled.reverseInventoryRecord(record) : compiled.reverseRecord(record));
    return data.map((found: { identifier: unknown; record: unknown } | null) => (found === null ? null : { ...found, record: reverse(found.record) }));
  }
  if (resource === 'inventory') {
    // The bulk summary (create) is never mapped; the reads answer lists of inventory records.
    if (operation === 'create' || !Array.isArray(data)) return data;
    return data.map((record) => compiled.reverseInventoryRecord(record));
  }
  return Array.isArray(data) ? compiled.reverseList(data) : compiled.reverseRecord(data);
}

/** What mapping a request gave: its forward failure, or how to map the reply back. */
export type PartnerMapped =
  | { ok: false; reply: ServiceReply }
  /** `forwarded`: the body was mapped (so the internal body differs from the one sent). */
  | { ok: true; forwarded: boolean; reverse(reply: ServiceReply): ServiceReply };

const IDENTITY: PartnerMapped = { ok: true, forwarded: false, reverse: (reply) => reply };

/**
 * Compiled mappings by version, one cache per process: a version (`<id>:<revision>`) never
 * changes, so an edited mapping is a new entry and the next request uses it.
 */
export class PartnerMappings {
  private readonly cache: MappingCache;

  constructor(capacity = 512) {
    this.cache = new MappingCache(capacity);
  }

  /**
   * Maps `request.body` forward in place (when the operation's body is mapped) and answers how to
   * map the reply back. Without `request.mapping` it changes nothing.
   */
  apply(request: ServiceRequest, resource: ResourceName, operation: OperationName): PartnerMapped {
    const mapping = request.mapping;
    if (mapping === undefined) return IDENTITY;
    const compiled = this.cache.get(mapping.version, () => mapping.definition);
    const method = forwardMethodOf(resource, operation);
    if (method !== null) {
      const forward = compiled.forward(request.body, method);
      if (!forward.ok) return { ok: false, reply: { ok: false, error: forward.error } };
      request.body = forward.value;
    }
    const keep = Object.keys(request.query);
    return {
      ok: true,
      forwarded: method !== null,
      reverse: (reply) =>
        reply.ok
          ? { ...reply, data: reverseData(compiled, resource, operation, reply.data) }
          : { ok: false, error: compiled.translateError(reply.error, { keep }) },
    };
  }
}
